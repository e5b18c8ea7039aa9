import { type DynamicModule, Module } from '@nestjs/common';
import { WriteLock } from './write-lock.js';

/** The process' write lock, one per thread's application, over the same buffer (see write-lock.ts). */
@Module({})
export class WriteLockModule {
  static forRoot(lock: WriteLock): DynamicModule {
    return { module: WriteLockModule, global: true, providers: [{ provide: WriteLock, useValue: lock }], exports: [WriteLock] };
  }
}
