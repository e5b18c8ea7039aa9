import { Module } from '@nestjs/common';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { TrafficRetention } from './traffic-retention.js';
import { TrafficStatsService } from './traffic-stats.service.js';

/** Per-connector traffic statistics (daily rollups the store's transactions write) and their retention. */
@Module({
  imports: [StoreModule, SetupsModule],
  providers: [TrafficStatsService, TrafficRetention],
  exports: [TrafficStatsService],
})
export class StatsModule {}
