import { Module } from '@nestjs/common';
import { OneSearchPerClient } from '../common/one-search-per-client.js';
import { SetupsModule } from '../setups/setups.module.js';
import { StoreModule } from '../store/store.module.js';
import { HistoryRetention } from './history-retention.js';
import { MessageHistoryService } from './message-history.service.js';

/** The message history as the API reads it, and its retention. */
@Module({
  imports: [StoreModule, SetupsModule],
  providers: [MessageHistoryService, HistoryRetention, OneSearchPerClient],
  exports: [MessageHistoryService, OneSearchPerClient],
})
export class HistoryModule {}
