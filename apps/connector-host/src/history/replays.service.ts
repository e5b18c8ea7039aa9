import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { ConnectorSetupsService } from '../setups/connector-setups.service.js';
import { ReplaysRepository } from '../store/history/replays.repository.js';
import { ReplayRunner } from './replay-runner.js';
import { type ReplayList, type ReplayView, replayView } from './replay-view.js';

/** What a caller asks to replay (validated by the API's DTO: times ISO 8601). */
export interface ReplayRequest {
  from: string;
  to: string;
  outcomes?: ('delivered' | 'dead_lettered')[];
  sourceId?: string;
}

/**
 * Replays of a connector's history: its settled messages accepted in a time range sent again, with the ids they had
 * (receivers de-duplicate by them), in their order, one replay at a time per connector (see replay-runner.ts).
 */
@Injectable()
export class ReplaysService {
  constructor(
    private readonly setups: ConnectorSetupsService,
    private readonly replays: ReplaysRepository,
    private readonly runner: ReplayRunner,
  ) {}

  async create(connectorId: string, request: ReplayRequest, site?: number): Promise<ReplayView> {
    await this.setups.row(connectorId, site);
    const now = Date.now();
    const from = Date.parse(request.from);
    // Never past now: what the replay itself appends is accepted later, so it never replays its own messages.
    const to = Math.min(Date.parse(request.to), now);
    if (from > to) throw InvalidInputError.field('from', 'from must not be after to (or after now)');
    const id = randomUUID();
    const outcomes = request.outcomes ? [...new Set(request.outcomes)] : null;
    const created = await this.replays.create({
      id,
      connectorId,
      from,
      to,
      outcomes,
      sourceId: request.sourceId?.toLowerCase() ?? null,
      createdAt: now,
    });
    if (!created) {
      const running = await this.replays.running(connectorId);
      throw new ConflictError(`Connector ${connectorId} has a replay running (${running?.id ?? 'just started'}): cancel it or wait for it`);
    }
    this.runner.wake();
    return this.get(connectorId, id, site);
  }

  /** A connector's latest replays, newest first: a running one among them, with where it stands. */
  async recent(connectorId: string, limit: number, site?: number): Promise<ReplayList> {
    await this.setups.row(connectorId, site);
    const rows = await this.replays.recent(connectorId, limit);
    return { items: await Promise.all(rows.map(async (row) => replayView(row, await this.replays.delivered(row.id)))) };
  }

  async get(connectorId: string, id: string, site?: number): Promise<ReplayView> {
    await this.setups.row(connectorId, site);
    const row = await this.replays.get(connectorId, id);
    if (!row) throw new NotFoundError(`No replay ${id} of connector ${connectorId}`);
    return replayView(row, await this.replays.delivered(id));
  }

  /** Stops a running replay; what it requeued already still goes. */
  async cancel(connectorId: string, id: string, site?: number): Promise<ReplayView> {
    const current = await this.get(connectorId, id, site);
    if (!(await this.replays.cancel(connectorId, id, Date.now())))
      throw new ConflictError(
        `Replay ${id} is ${current.status === 'running' ? 'finishing' : current.status}: only a running replay can be cancelled`,
      );
    return this.get(connectorId, id, site);
  }
}
