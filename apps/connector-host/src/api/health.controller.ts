import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Access } from './auth/access.decorator.js';
import { Answers } from './openapi/answers.decorator.js';
import { HostReadiness } from '../health/host-readiness.js';
import { type ConnectorHealth, ConnectorHealthService } from '../health/connector-health.service.js';
import { ClusterHealth, type ClusterView } from '../cluster/cluster-health.js';

@ApiTags('health')
@Access('public')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: HostReadiness,
    private readonly connectorHealth: ConnectorHealthService,
    private readonly cluster: ClusterHealth,
  ) {}

  @Get('live')
  @HealthCheck({ swaggerDocumentation: false })
  @Answers(200, 'Alive', 'HealthReport')
  @ApiOperation({ summary: 'The process and its event loop answer' })
  live() {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @Answers(200, 'Ready: take traffic', 'HealthReport')
  // Terminus' report, not an ErrorBody: `error` names the failing checks.
  @ApiResponse({
    status: 503,
    description: 'Not ready: `error` names the failing checks',
    schema: { $ref: '#/components/schemas/HealthReport' },
  })
  @ApiOperation({
    summary:
      'Store writable (SQLite) or answering (PostgreSQL), delivery loops running, not shutting down, backlogs under their caps. A destination being down never makes the host unready.',
  })
  ready() {
    return this.health.check(this.readiness.checks);
  }

  @Get('cluster')
  @Answers(200, 'Instances and partitions', 'ClusterView')
  @ApiOperation({ summary: 'The instances sharing this store: role, heartbeat age, the partitions each holds and their lease ages' })
  async clusterView(): Promise<ClusterView> {
    return this.cluster.view();
  }

  @Get('connectors')
  @Answers(200, 'One entry per connector', 'ConnectorHealthList')
  @ApiOperation({ summary: 'Per connector: status, last success, last error, backlog, dead letters, oldest pending age' })
  async connectors(): Promise<{ connectors: ConnectorHealth[] }> {
    return { connectors: await this.connectorHealth.connectors() };
  }
}
