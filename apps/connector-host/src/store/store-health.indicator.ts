import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseService } from './database.service.js';

/** Readiness of the store: its file takes writes, or its database answers. */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
  ) {}

  async isWritable() {
    const indicator = this.indicators.check('store');
    try {
      // SQLite takes its write lock (the file is writable, nothing written); PostgreSQL answers within seconds.
      await this.database.ping();
      return indicator.up({ engine: this.database.engine });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
