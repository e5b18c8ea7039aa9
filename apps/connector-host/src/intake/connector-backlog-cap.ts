import { Inject, Injectable } from '@nestjs/common';
import { LimitExceededError } from '../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import type { BacklogHeld } from '../store/outbox/backlog-claim.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import type { ConnectorShare } from './event-router.js';
import { GroupCommit } from './group-commit.js';
import { BacklogCapRefusals } from './backlog-cap-refusals.js';
import { type QuotaClaim, nearBound } from './quota-claim.js';

/**
 * MAX_BACKLOG_PER_CONNECTOR: a connector whose backlog would pass its cap refuses the whole request (nothing is
 * half-stored): 429, or 413 when the request alone is more than the cap (no wait would let it in). Near the cap,
 * the store verifies it again at commit (see QuotaClaim).
 */
@Injectable()
export class ConnectorBacklogCap {
  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly outbox: OutboxStore,
    private readonly commits: GroupCommit,
    private readonly refusals: BacklogCapRefusals,
  ) {}

  /** Refuses a request that would take a connector past its cap; returns a claim for each it brings near it. */
  check(adding: ReadonlyMap<string, ConnectorShare>): QuotaClaim[] {
    const max = this.config.maxBacklogPerConnector;
    const claims: QuotaClaim[] = [];
    for (const [connectorId, { messages: count }] of adding) {
      if (count > max)
        throw new LimitExceededError(
          'tooLarge',
          { name: 'MAX_BACKLOG_PER_CONNECTOR', max, actual: count },
          `This request alone would add ${count} messages to connector ${connectorId}, more than its cap of ${max}: nothing was stored; send it in smaller requests`,
          [],
          undefined,
          connectorId,
        );
      const backlog = this.outbox.pendingCount(connectorId) + this.commits.uncommittedFor(connectorId).messages;
      if (backlog + count > max) throw this.busy(connectorId, backlog, count);
      if (nearBound(backlog, count, max))
        claims.push({
          scope: `connector:${connectorId}`,
          connectorIds: [connectorId],
          messages: count,
          bytes: 0,
          maxMessages: max,
          maxBytes: Number.MAX_SAFE_INTEGER,
          refusal: (held: BacklogHeld) => this.busy(connectorId, held.messages, count),
        });
    }
    return claims;
  }

  private busy(connectorId: string, backlog: number, count: number): LimitExceededError {
    this.refusals.refused(connectorId);
    const max = this.config.maxBacklogPerConnector;
    return new LimitExceededError(
      'busy',
      { name: 'MAX_BACKLOG_PER_CONNECTOR', max, actual: backlog + count },
      `Connector ${connectorId} has ${backlog} undelivered messages (cap ${max}); nothing of this request was stored`,
      [],
      30,
      connectorId,
    );
  }
}
