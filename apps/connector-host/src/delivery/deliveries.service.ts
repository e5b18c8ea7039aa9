import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../common/domain-errors.js';
import { OneSearchPerClient } from '../common/one-search-per-client.js';
import { MessageHistoryRepository } from '../store/history/message-history.repository.js';
import { DeliveryTrace } from '../trace/delivery-trace.js';
import { ConnectorSetupsService } from '../setups/connector-setups.service.js';
import { DeadLettersRepository } from '../store/repositories/dead-letters.repository.js';
import type { MessageFilter } from '../store/message-filter.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import type { DeliveryList, DeliveryView } from './delivery-list.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Recent messages of a profile, a source or a connector, newest first: delivered ones from the message history,
 * pending ones from the outbox, dead letters, and what intake skipped (this instance's trace).
 */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly pending: OutboxStore,
    private readonly deadLetters: DeadLettersRepository,
    private readonly setups: ConnectorSetupsService,
    private readonly history: MessageHistoryRepository,
    private readonly skips: DeliveryTrace,
    private readonly searches: OneSearchPerClient,
  ) {}

  /**
   * `client`: who asks (one search at a time each); `site`: a site-limited caller looks through one of its own
   * connectors only. `complete` is false when the pending messages or the history were looked through only as far
   * back as a search may go.
   */
  async find(query: MessageFilter & { limit?: number }, client: string, site?: number): Promise<DeliveryList> {
    return this.searches.run(client, () => this.search(query, site));
  }

  private async search(query: MessageFilter & { limit?: number }, site?: number): Promise<DeliveryList> {
    if (site !== undefined) {
      if (query.connectorId === undefined)
        throw InvalidInputError.field('connectorId', 'connectorId is required for a token limited to one site');
      await this.setups.row(query.connectorId, site);
    }
    const filter: MessageFilter = { profileId: query.profileId, sourceId: query.sourceId?.toLowerCase(), connectorId: query.connectorId };
    if (filter.profileId === undefined && filter.sourceId === undefined && filter.connectorId === undefined) {
      throw InvalidInputError.field('profileId', 'give at least one of profileId, sourceId, connectorId');
    }
    const limit = query.limit ?? 100;
    const pending = await this.pending.find(filter, limit);
    const delivered = await this.history.search({ ...filter, status: 'delivered', limit });
    const items: (DeliveryView & { sortKey: number })[] = [
      ...delivered.items.map((message) => {
        const attempt = message.attempts.findLast((each) => each.outcome === 'delivered');
        const at = attempt?.at ?? message.acceptedAt;
        return {
          status: 'delivered' as const,
          connectorId: message.connectorId,
          profileId: message.profileId,
          sourceId: message.sourceId ?? '',
          receipt: attempt?.receipt ?? null,
          attempts: message.attempts.length > 0 ? message.attempts.length : null,
          acceptedAt: iso(message.acceptedAt),
          deliveredAt: iso(at),
          sortKey: at,
        };
      }),
      ...this.skips.find(filter, limit).map((row) => ({
        status: 'skipped' as const,
        connectorId: row.connectorId,
        profileId: row.profileId,
        sourceId: row.sourceId,
        reason: row.reason,
        at: iso(row.at),
        sortKey: row.at,
      })),
      ...pending.items.map((row) => ({
        status: 'pending' as const,
        connectorId: row.connector_id,
        profileId: row.partition_key,
        sourceId: row.source_id,
        attempts: row.attempts,
        nextAttemptAt: row.attempts > 0 ? iso(row.next_attempt_at) : null,
        lastError: row.last_error_code ? { code: row.last_error_code, message: row.last_error_message ?? '' } : null,
        acceptedAt: iso(row.accepted_at),
        sortKey: row.accepted_at,
      })),
      ...(await this.deadLetters.find(filter, limit)).map((row) => ({
        status: 'dead_lettered' as const,
        connectorId: row.connector_id,
        profileId: row.partition_key,
        sourceId: row.source_id,
        errorCode: row.error_code,
        errorMessage: row.error_message,
        attempts: row.attempts,
        acceptedAt: iso(row.accepted_at),
        failedAt: iso(row.failed_at),
        sortKey: row.failed_at,
      })),
    ];
    items.sort((a, b) => b.sortKey - a.sortKey);
    // The history stopped at its budget before it found `limit` delivered messages: older ones may exist.
    const historyComplete = delivered.next === null || delivered.items.length === limit;
    return {
      items: items.slice(0, limit).map(({ sortKey: _sortKey, ...item }) => item),
      complete: pending.complete && historyComplete,
    };
  }
}
