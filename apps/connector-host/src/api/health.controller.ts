import { Controller, Get } from '@nestjs/common';
import { ForbiddenError } from '../common/domain-errors.js';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import { Answers } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { HostReadiness } from '../health/host-readiness.js';
import type { ConnectorHealthList } from '../health/connector-health.js';
import { ConnectorHealthService } from '../health/connector-health.service.js';
import { ClusterHealth } from '../cluster/cluster-health.js';
import type { ClusterView } from '../cluster/cluster-view.js';

/**
 * Liveness and readiness are open (a load balancer probes them) and name no tenant; what names connectors or the
 * cluster's machines needs an admin token, and a site-limited one sees its own site only.
 */
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
      "Store writable (SQLite) or answering (PostgreSQL), delivery loops running, not shutting down. Names no connector; a customer's destination being down or a connector's backlog at its cap never makes the host unready.",
  })
  ready() {
    return this.health.check(this.readiness.checks);
  }

  @Get('cluster')
  @Access('admin')
  @RateLimited()
  @Answers(200, 'Instances and partitions (403 for a site-limited token: the cluster is host-wide)', 'ClusterView')
  @ApiOperation({ summary: 'The instances sharing this store: role, heartbeat age, the partitions each holds and their lease ages' })
  async clusterView(@CurrentPrincipal() principal: Principal): Promise<ClusterView> {
    if (principal.siteNumber !== undefined)
      throw new ForbiddenError(`The cluster view is host-wide; this token is limited to site ${principal.siteNumber}`);
    return this.cluster.view();
  }

  @Get('connectors')
  @Access('admin')
  @RateLimited()
  @Answers(200, "One entry per connector (a site-limited token: its site's only)", 'ConnectorHealthList')
  @ApiOperation({ summary: 'Per connector: status, last success, last error, backlog, dead letters, oldest pending age' })
  async connectors(@CurrentPrincipal() principal: Principal): Promise<ConnectorHealthList> {
    return { connectors: await this.connectorHealth.connectors(principal.siteNumber) };
  }
}
