import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DeliveryService } from '../delivery/delivery.service.js';
import { DatabaseService } from '../store/database.service.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
    private readonly delivery: DeliveryService,
  ) {}

  /** The process and its event loop answer. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  /** The store answers and takes writes. A customer's destination being down never makes the host unready. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => {
        const indicator = this.indicators.check('store');
        try {
          // BEGIN IMMEDIATE takes the write lock: proves the file is writable without writing anything.
          this.database.sqlite.exec('BEGIN IMMEDIATE; ROLLBACK;');
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
      () => this.indicators.check('delivery').up({ loops: this.delivery.runningCount() }),
    ]);
  }
}
