import { ConfigurableModuleBuilder, type ConfigurableModuleCls, type InjectionToken, Module, type Type } from '@nestjs/common';

export interface ConnectorModuleDefinition<Options, Resolved> {
  /** The connector class (marked `@Connector()`): provided, and exported for the host's registry to find. */
  connector: Type<unknown>;
  /** The token the connector injects its options under, resolved. */
  resolvedOptions: InjectionToken;
  /** Checks the options and fills in their defaults, once, when the module is built; the options as given if absent. */
  resolve?: (options: Options) => Resolved;
}

/** A connector's module class, to extend under the connector's own name, and the token of its options as given. */
export interface ConnectorModuleParts<Options> {
  ConnectorModule: ConfigurableModuleCls<Options, 'forRoot'>;
  OPTIONS: InjectionToken;
}

/**
 * The Nest module every connector needs, written once: `forRoot(options)` and `forRootAsync({ imports, inject,
 * useFactory })` as Nest's own modules offer them (ConfigurableModuleBuilder), the options resolved once under
 * `resolvedOptions`, and the connector provided and exported. It reads no environment and starts nothing.
 *
 *     const { ConnectorModule, OPTIONS } = defineConnectorModule({ connector: MyConnector, resolvedOptions: MY_OPTIONS, resolve });
 *     export const MY_CONNECTOR_OPTIONS = OPTIONS;
 *     export class MyConnectorModule extends ConnectorModule {}
 */
export function defineConnectorModule<Options, Resolved = Options>(
  definition: ConnectorModuleDefinition<Options, Resolved>,
): ConnectorModuleParts<Options> {
  const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<Options>().setClassMethodName('forRoot').build();
  const resolve = definition.resolve ?? ((options: Options) => options);
  @Module({
    providers: [{ provide: definition.resolvedOptions, inject: [MODULE_OPTIONS_TOKEN], useFactory: resolve }, definition.connector],
    exports: [definition.connector],
  })
  class ConnectorModule extends ConfigurableModuleClass {}
  return { ConnectorModule, OPTIONS: MODULE_OPTIONS_TOKEN };
}
