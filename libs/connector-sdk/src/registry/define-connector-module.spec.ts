import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import type { ConnectorInstance, EventConnector } from '../event-connector.js';
import { ConnectorSdkModule } from './connector-sdk.module.js';
import { Connector } from './connector.decorator.js';
import { ConnectorRegistry } from './connector.registry.js';
import { defineConnectorModule } from './define-connector-module.js';

interface EchoOptions {
  greeting?: string;
}
const RESOLVED_ECHO_OPTIONS = Symbol('RESOLVED_ECHO_OPTIONS');
const resolved: Required<EchoOptions>[] = [];

@Connector()
@Injectable()
class EchoConnector implements EventConnector {
  readonly type = 'echo';
  readonly displayName = 'Echo';
  readonly settingsClass = class {};
  constructor(@Inject(RESOLVED_ECHO_OPTIONS) readonly options: Required<EchoOptions>) {}
  open(): ConnectorInstance {
    throw new Error('not used');
  }
}

const { ConnectorModule, OPTIONS } = defineConnectorModule({
  connector: EchoConnector,
  resolvedOptions: RESOLVED_ECHO_OPTIONS,
  resolve: (options: EchoOptions) => {
    if (options.greeting === '') throw new Error('EchoConnectorModule: greeting must not be empty');
    const checked = { greeting: options.greeting ?? 'hello' };
    resolved.push(checked);
    return checked;
  },
});
class EchoConnectorModule extends ConnectorModule {}

@Module({ providers: [{ provide: 'GREETING', useValue: 'from a factory' }], exports: ['GREETING'] })
class GreetingModule {}

async function boot(plugin: ReturnType<typeof EchoConnectorModule.forRoot>) {
  const moduleRef = await Test.createTestingModule({ imports: [ConnectorSdkModule, plugin] }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('defineConnectorModule', () => {
  it('gives forRoot: options resolved once, defaults filled, the connector found by the registry under its module', async () => {
    resolved.length = 0;
    const moduleRef = await boot(EchoConnectorModule.forRoot({}));
    expect(moduleRef.get(ConnectorRegistry).types()).toEqual(['echo']);
    expect(moduleRef.get(EchoConnector).options).toEqual({ greeting: 'hello' });
    expect(moduleRef.get(OPTIONS)).toEqual({});
    expect(resolved).toHaveLength(1);
    expect(EchoConnectorModule.forRoot({}).module).toBe(EchoConnectorModule);
  });

  it('gives forRootAsync with imports and inject, and refuses options its resolve rejects at boot', async () => {
    const moduleRef = await boot(
      EchoConnectorModule.forRootAsync({
        imports: [GreetingModule],
        inject: ['GREETING'],
        useFactory: (greeting: string) => ({ greeting }),
      }),
    );
    expect(moduleRef.get(EchoConnector).options).toEqual({ greeting: 'from a factory' });
    await expect(boot(EchoConnectorModule.forRoot({ greeting: '' }))).rejects.toThrow(/greeting must not be empty/);
  });
});
