import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseService } from './database.service.js';

/** Readiness of the store: its file takes writes. */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
  ) {}

  isWritable() {
    const indicator = this.indicators.check('store');
    try {
      // BEGIN IMMEDIATE takes the write lock: proves the file is writable without writing anything.
      this.database.sqlite.exec('BEGIN IMMEDIATE; ROLLBACK;');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
