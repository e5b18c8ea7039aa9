import { type DynamicModule, Module } from '@nestjs/common';
import { HOST_CONFIG, type HostConfig } from './host.config.js';

/** Makes the parsed host configuration (`HOST_CONFIG`) injectable in every feature module. */
@Module({})
export class HostConfigModule {
  static forRoot(config: HostConfig): DynamicModule {
    return { module: HostConfigModule, global: true, providers: [{ provide: HOST_CONFIG, useValue: config }], exports: [HOST_CONFIG] };
  }
}
