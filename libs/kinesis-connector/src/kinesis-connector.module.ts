import { Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EmbeddedKinesalite } from './dev/embedded-kinesalite.js';
import { type KinesisDeploymentConfig, readKinesisConfig } from './kinesis.config.js';
import { KinesisConnector } from './kinesis.connector.js';
import { KINESIS_DEPLOYMENT_CONFIG } from './kinesis.tokens.js';

const EMULATOR = Symbol('EMBEDDED_KINESALITE');

/**
 * The Kinesis plugin. Reads `KINESIS_*` from the host's (global) ConfigService; in development, with no
 * endpoint configured, it runs kinesalite beside the host and points every set-up at it.
 */
@Module({
  providers: [
    {
      provide: EMULATOR,
      inject: [ConfigService],
      useFactory: async (configService: ConfigService): Promise<EmbeddedKinesalite | null> => {
        const config = readKinesisConfig((key) => configService.get<string>(key));
        if (!config.embeddedEmulator) return null;
        const emulator = await EmbeddedKinesalite.start({
          port: config.emulatorPort,
          dataDir: config.emulatorDataDir,
          region: config.emulatorRegion,
        });
        new Logger('KinesisConnector').log(
          `Embedded kinesalite at ${emulator.endpoint} (data in ${config.emulatorDataDir}, region ${config.emulatorRegion}); set KINESIS_ENDPOINT or APP_ENV=production to use a real Kinesis`,
        );
        return emulator;
      },
    },
    {
      provide: KINESIS_DEPLOYMENT_CONFIG,
      inject: [ConfigService, EMULATOR],
      useFactory: (configService: ConfigService, emulator: EmbeddedKinesalite | null): KinesisDeploymentConfig => {
        const config = readKinesisConfig((key) => configService.get<string>(key));
        return emulator ? { ...config, endpoint: emulator.endpoint } : config;
      },
    },
    KinesisConnector,
  ],
  exports: [KinesisConnector],
})
export class KinesisConnectorModule implements OnApplicationShutdown {
  constructor(@Inject(EMULATOR) private readonly emulator: EmbeddedKinesalite | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.emulator?.stop();
  }
}
