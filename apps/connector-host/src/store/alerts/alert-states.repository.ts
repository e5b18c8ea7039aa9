import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { HOST_SITE_NUMBER } from '../../common/host-site.js';
import { DatabaseService } from '../database.service.js';
import type { AlertStatesTable } from '../schema.js';

/** What alerts are decided on for one connector: its set-up, what delivery saw, and what was alerted so far. */
export interface ConnectorAlertFacts {
  id: string;
  name: string;
  type: string;
  siteNumber: number;
  enabled: boolean;
  pausedReason: string | null;
  pausedAt: number | null;
  /** Its tenant's delivery policy (JSON), for how long its retries may wait. */
  deliveryPolicy: string | null;
  lastSuccessAt: number | null;
  failingSince: number | null;
  lastFailureAt: number | null;
  lastError: { code: string; message: string } | null;
  cappedAt: number | null;
  deadWindow: number | null;
  deadCount: number;
  /** Absent: nothing alerted yet (state ok, seq 0). */
  alerted?: Pick<AlertStatesTable, 'state' | 'seq' | 'since' | 'dead_letters_at' | 'capped_at'>;
}

/** A connector's alert record after an alert (or a silent change of state). */
export type AlertStateChange = Pick<AlertStatesTable, 'state' | 'since' | 'dead_letters_at' | 'capped_at'>;

/** Candidates read per statement (bounded parameter lists). */
const PAGE = 500;

/** What was alerted per connector (table `alert_states`), and the facts of the connectors that may need an alert. */
@Injectable()
export class AlertStatesRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * The enabled connectors something may be wrong with (or was): failing since their last success, refused at their
   * backlog cap since `cappedSince`, past the dead-letter threshold in a window from `deadWindowFrom` on, paused, or
   * alerted and not ok. A disabled one has nothing to alert (and leaves the look); a healthy one costs a row of the
   * facts at most.
   */
  async candidates(on: { cappedSince: number; deadWindowFrom: number; deadLetters: number }): Promise<ConnectorAlertFacts[]> {
    const { db } = this.database;
    const ids = await db
      .selectFrom('delivery_health as h')
      .innerJoin('connectors as c', 'c.id', 'h.connector_id')
      .select('h.connector_id as id')
      .where('c.enabled', '=', 1)
      .where((eb) =>
        eb.or([
          eb('h.failing_since', '>', sql<number>`COALESCE(h.last_success_at, 0)`),
          eb('h.capped_at', '>=', on.cappedSince),
          eb.and([eb('h.dead_window', '>=', on.deadWindowFrom), eb('h.dead_count', '>=', Math.max(1, on.deadLetters))]),
        ]),
      )
      .union(
        db
          .selectFrom('alert_states as a')
          .innerJoin('connectors as c', 'c.id', 'a.connector_id')
          .select('a.connector_id as id')
          .where('a.state', '<>', 'ok')
          .where('c.enabled', '=', 1),
      )
      .union(db.selectFrom('connectors').select('id').where('paused_reason', 'is not', null).where('enabled', '=', 1))
      .execute();
    const facts: ConnectorAlertFacts[] = [];
    for (let start = 0; start < ids.length; start += PAGE)
      facts.push(...(await this.factsOf(ids.slice(start, start + PAGE).map((row) => row.id))));
    return facts;
  }

  /**
   * Its tenant enabled the connector again: a disabling by the host is over (silently), and, by the caller, its old
   * failure streak forgotten. Counts as a change of the record, so a look that read the old one records nothing.
   */
  async enabledAgain(connectorId: string, at: number): Promise<void> {
    await this.database.db
      .updateTable('alert_states')
      .set((eb) => ({ state: 'ok', since: at, changed_at: at, seq: eb('seq', '+', 1) }))
      .where('connector_id', '=', connectorId)
      .where('state', '<>', 'ok')
      .execute();
  }

  /**
   * Records an alert (or a silent change) over the record read as `seq`: false when another instance recorded one
   * since (nothing written).
   */
  async advance(connectorId: string, seq: number, change: AlertStateChange, at: number): Promise<boolean> {
    const row = { ...change, seq: seq + 1, changed_at: at };
    if (seq === 0) {
      const inserted = await this.database.db
        .insertInto('alert_states')
        .values({ connector_id: connectorId, ...row })
        .onConflict((conflict) => conflict.column('connector_id').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
    }
    const updated = await this.database.db
      .updateTable('alert_states')
      .set(row)
      .where('connector_id', '=', connectorId)
      .where('seq', '=', seq)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0;
  }

  private async factsOf(ids: string[]): Promise<ConnectorAlertFacts[]> {
    if (ids.length === 0) return [];
    const rows = await this.database.db
      .selectFrom('connectors as c')
      .leftJoin('delivery_health as h', 'h.connector_id', 'c.id')
      .leftJoin('alert_states as a', 'a.connector_id', 'c.id')
      .select([
        'c.id',
        'c.name',
        'c.type',
        'c.site_number',
        'c.enabled',
        'c.paused_reason',
        'c.paused_at',
        'c.delivery_policy',
        'h.last_success_at',
        'h.failing_since',
        'h.last_failure_at',
        'h.last_error',
        'h.capped_at',
        'h.dead_window',
        'h.dead_count',
        'a.state',
        'a.seq',
        'a.since',
        'a.dead_letters_at',
        'a.capped_at as alerted_capped_at',
      ])
      .where('c.id', 'in', ids)
      .where('c.site_number', '<>', HOST_SITE_NUMBER)
      .orderBy('c.id')
      .execute();
    return rows.map((row) => {
      const error = row.last_error === null ? null : (JSON.parse(row.last_error) as [string, string]);
      return {
        id: row.id,
        name: row.name,
        type: row.type,
        siteNumber: row.site_number,
        enabled: row.enabled === 1,
        pausedReason: row.paused_reason,
        pausedAt: row.paused_at,
        deliveryPolicy: row.delivery_policy,
        lastSuccessAt: row.last_success_at,
        failingSince: row.failing_since,
        lastFailureAt: row.last_failure_at,
        lastError: error ? { code: error[0], message: error[1] } : null,
        cappedAt: row.capped_at,
        deadWindow: row.dead_window,
        deadCount: row.dead_count ?? 0,
        ...(row.state === null
          ? {}
          : {
              alerted: {
                state: row.state,
                seq: row.seq ?? 0,
                since: row.since ?? 0,
                dead_letters_at: row.dead_letters_at,
                capped_at: row.alerted_capped_at,
              },
            }),
      };
    });
  }
}
