import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HostLifecycle } from '../lifecycle/host-lifecycle.js';
import { DatabaseService } from '../store/database.service.js';
import { type ConnectorHealth, ConnectorHealthService } from './connector-health.service.js';

@ApiTags('health')
@Access('public')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseService,
    private readonly connectorHealth: ConnectorHealthService,
    private readonly lifecycle: HostLifecycle,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'The process and its event loop answer' })
  live() {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Store writable, delivery loops running, not shutting down, backlogs under their caps. A destination being down never makes the host unready.' })
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
      () => {
        const indicator = this.indicators.check('intake');
        return this.lifecycle.accepting ? indicator.up() : indicator.down({ message: 'shutting down' });
      },
      () => {
        const indicator = this.indicators.check('delivery');
        const problems = this.connectorHealth.readinessProblems();
        return problems.length === 0 ? indicator.up() : indicator.down({ problems });
      },
    ]);
  }

  @Get('connectors')
  @ApiOperation({ summary: 'Per connector: status, last success, last error, backlog, dead letters, oldest pending age' })
  connectors(): { connectors: ConnectorHealth[] } {
    return { connectors: this.connectorHealth.connectors() };
  }
}
