import { ConfigurableModuleBuilder, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EmbeddedKinesalite, type EmbeddedKinesaliteOptions } from './embedded-kinesalite.js';

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<EmbeddedKinesaliteOptions>()
  .setClassMethodName('forRoot')
  .build();

/**
 * Development only, and only when imported: kinesalite in a child process on 127.0.0.1, started with the app
 * and stopped with it. Provides the running `EmbeddedKinesalite`, whose `endpoint` a host passes to
 * `KinesisConnectorModule.forRootAsync({ imports: [KinesaliteDevModule.forRoot(…)], inject: [EmbeddedKinesalite], … })`.
 */
@Module({
  providers: [
    {
      provide: EmbeddedKinesalite,
      inject: [MODULE_OPTIONS_TOKEN],
      useFactory: async (options: EmbeddedKinesaliteOptions): Promise<EmbeddedKinesalite> => {
        const emulator = await EmbeddedKinesalite.start(options);
        new Logger('KinesaliteDev').log(
          `Embedded kinesalite at ${emulator.endpoint} (data in ${options.dataDir}, region ${options.region})`,
        );
        return emulator;
      },
    },
  ],
  exports: [EmbeddedKinesalite],
})
export class KinesaliteDevModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(private readonly emulator: EmbeddedKinesalite) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.emulator.stop();
  }
}
