import { Module } from '@nestjs/common';
import { OneSearchPerClient } from '../common/one-search-per-client.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { HistoryRetention } from './history-retention.js';
import { MessageHistoryService } from './message-history.service.js';
import { ReplayRunner } from './replay-runner.js';
import { ReplaysService } from './replays.service.js';

/** The message history as the API reads it, its retention, and its replays. */
@Module({
  imports: [StoreModule, SetupsModule],
  providers: [MessageHistoryService, HistoryRetention, OneSearchPerClient, ReplaysService, ReplayRunner],
  exports: [MessageHistoryService, OneSearchPerClient, ReplaysService],
})
export class HistoryModule {}
