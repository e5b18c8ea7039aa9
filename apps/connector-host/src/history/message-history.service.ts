import { Injectable } from '@nestjs/common';
import { InvalidInputError } from '../common/domain-errors.js';
import { OneSearchPerClient } from '../common/one-search-per-client.js';
import { ConnectorSetupsService } from '../setups/connector-setups.service.js';
import type { MessageStatus } from '../store/history/history-search.js';
import { MessageHistoryRepository } from '../store/history/message-history.repository.js';
import { type MessagePage, messageView } from './message-view.js';

/** What a caller asks of a connector's history (validated by the API's DTO: times ISO 8601, cursor a message id). */
export interface MessagesQuery {
  profileId?: string;
  sourceId?: string;
  outcome?: MessageStatus;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

/** A connector's messages, newest first, with their attempts: pending ones from the outbox, settled ones from the history. */
@Injectable()
export class MessageHistoryService {
  constructor(
    private readonly setups: ConnectorSetupsService,
    private readonly history: MessageHistoryRepository,
    /** Shared with GET /v1/deliveries: one search of either kind at a time per client. */
    private readonly searches: OneSearchPerClient,
  ) {}

  /** `client`: who asks (one search at a time each); `site`: a site-limited caller sees its own connectors only. */
  async page(connectorId: string, query: MessagesQuery, client: string, site?: number): Promise<MessagePage> {
    await this.setups.row(connectorId, site);
    const from = query.from === undefined ? undefined : Date.parse(query.from);
    const to = query.to === undefined ? undefined : Date.parse(query.to);
    if (from !== undefined && to !== undefined && from > to) throw InvalidInputError.field('from', 'from must not be after to');
    const found = await this.searches.run(client, () =>
      this.history.search({
        connectorId,
        profileId: query.profileId,
        sourceId: query.sourceId?.toLowerCase(),
        status: query.outcome,
        from,
        to,
        before: query.cursor === undefined ? undefined : Number(query.cursor),
        limit: query.limit ?? 100,
      }),
    );
    return { items: found.items.map(messageView), next: found.next === null ? null : String(found.next) };
  }
}
