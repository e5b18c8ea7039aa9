import { Injectable } from '@nestjs/common';
import { ConnectorSetupsService } from '../setups/connector-setups.service.js';
import { TrafficStatsRepository } from '../store/traffic/traffic-stats.repository.js';
import type { ConnectorStats, StatsWindow } from './connector-stats.js';
import { trafficView, windowStart } from './traffic-view.js';

/** A connector's traffic statistics over 7, 30 or 90 days, from the store's daily rollups. */
@Injectable()
export class TrafficStatsService {
  constructor(
    private readonly setups: ConnectorSetupsService,
    private readonly traffic: TrafficStatsRepository,
  ) {}

  /** `site`: the caller's site, if limited (another site's connector is not found). */
  async forConnector(connectorId: string, days: StatsWindow, site?: number, now = Date.now()): Promise<ConnectorStats> {
    await this.setups.row(connectorId, site);
    const rows = await this.traffic.daily(connectorId, windowStart(days, now));
    return trafficView(connectorId, days, rows, now);
  }
}
