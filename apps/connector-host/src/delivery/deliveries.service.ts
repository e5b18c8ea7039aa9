import { Injectable } from '@nestjs/common';
import { InvalidInputError, LimitExceededError } from '../common/domain-errors.js';
import { ConnectorSetupsService } from '../setups/connector-setups.service.js';
import { DeadLettersRepository } from '../store/repositories/dead-letters.repository.js';
import type { MessageFilter } from '../store/message-filter.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { DeliveryControl } from './delivery-control.js';
import type { DeliveryList, DeliveryView } from './delivery-list.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** Recent messages of a profile, a source or a connector, from the trace, the outbox and the dead letters, newest first. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly delivery: DeliveryControl,
    private readonly pending: OutboxStore,
    private readonly deadLetters: DeadLettersRepository,
    private readonly setups: ConnectorSetupsService,
  ) {}

  /** Clients with a search running (one each: a search is the costliest read a client can ask for). */
  private readonly searching = new Set<string>();

  /**
   * `client`: who asks (one search at a time each); `site`: a site-limited caller looks through one of its own
   * connectors only. `complete` is false when the pending messages were looked through only as far back as a
   * search may go.
   */
  async find(query: MessageFilter & { limit?: number }, client: string, site?: number): Promise<DeliveryList> {
    if (this.searching.has(client))
      throw new LimitExceededError(
        'busy',
        { name: 'searches in progress per client', max: 1, actual: 2 },
        'This client has a search running: retry once it is answered',
        [],
        1,
      );
    this.searching.add(client);
    try {
      return await this.search(query, site);
    } finally {
      this.searching.delete(client);
    }
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
    const items: (DeliveryView & { sortKey: number })[] = [
      ...(await this.delivery.traced(filter, limit)).map((row) =>
        row.status === 'delivered'
          ? {
              status: 'delivered' as const,
              connectorId: row.connectorId ?? '',
              profileId: row.profileId,
              sourceId: row.sourceId,
              receipt: row.receipt ?? null,
              attempts: row.attempts ?? null,
              acceptedAt: iso(row.acceptedAt),
              deliveredAt: iso(row.at),
              sortKey: row.at,
            }
          : {
              status: 'skipped' as const,
              connectorId: row.connectorId,
              profileId: row.profileId,
              sourceId: row.sourceId,
              reason: row.reason ?? '',
              at: iso(row.at),
              sortKey: row.at,
            },
      ),
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
    return { items: items.slice(0, limit).map(({ sortKey: _sortKey, ...item }) => item), complete: pending.complete };
  }
}
