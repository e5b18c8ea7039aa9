import { type Kysely, type Selectable, sql } from 'kysely';
import type { DatabaseService } from '../database.service.js';
import type { MessageFilter } from '../message-filter.js';
import type { Database, DeadLettersTable } from '../schema.js';

export type DeadLetterRow = Selectable<DeadLettersTable>;

/** A message moving to the dead letters (the row's id and size are the store's). */
export interface NewDeadLetter {
  connectorId: string;
  /** Stored as `partition_key`: the profile is what orders a connector's messages. */
  profileId: string;
  sourceId: string | null;
  body: string;
  acceptedAt: number;
  attempts: number;
  failedAt: number;
  errorCode: string;
  errorMessage: string;
  /** The id the message had (its chunk's, or the one it kept through a replay): a replay of it sends it again. */
  messageId: number;
}

/** Which dead letters a delete takes: a connector's (all, up to an id, or the given ids), or every one failed before a time. */
export type DeadLetterSelection = { connectorId: string; ids?: readonly number[]; upTo?: number } | { failedBefore: number };

/** A dead letter taken out for a replay. */
export interface ReplayedDeadLetter {
  id: number;
  message_id: number | null;
  partition_key: string;
  source_id: string | null;
  body: string;
}

/**
 * The dead-letters table: messages that will not be delivered without a person. Written by the outbox's
 * settlements and replays, inside their transactions (each engine's outbox); read and deleted here. What must read
 * in one snapshot, or delete beside delivery's thread, is each engine's own.
 */
export abstract class DeadLettersRepository {
  constructor(protected readonly database: DatabaseService) {}

  /**
   * One page of a connector's dead letters after `afterId` (at most `limit`) and how many it has in all, read in one
   * snapshot, so a page never disagrees with its total while an expiry or a replay commits beside the read.
   */
  abstract page(connectorId: string, afterId: number, limit: number): Promise<{ rows: DeadLetterRow[]; total: number }>;

  /** A page of a connector's dead letters after `afterId`, oldest first. */
  protected pageQuery(db: Kysely<Database>, connectorId: string, afterId: number, limit: number) {
    return db
      .selectFrom('dead_letters')
      .selectAll()
      .where('connector_id', '=', connectorId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
  }

  /** How many dead letters a connector has. */
  protected countQuery(db: Kysely<Database>, connectorId: string) {
    return db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('connector_id', '=', connectorId);
  }

  /**
   * The newest dead letter of a connector now: a replay or delete of "all" goes up to it, so what is dead-lettered
   * while it runs (a message refused again at once) is not taken up by the same request, round after round.
   */
  async lastIdOf(connectorId: string): Promise<number> {
    const row = await this.database.db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.max('id').as('last'))
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  /** How many dead letters a site holds and their bytes (its quota), by index: over that site's rows only. */
  async usageForSite(siteNumber: number): Promise<{ count: number; bytes: number }> {
    const row = await this.database.db
      .selectFrom('dead_letters')
      .innerJoin('connectors', 'connectors.id', 'dead_letters.connector_id')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        // SQLite: from the index of connector and size, no body read; a PostgreSQL row stored before sizes were
        // recorded is measured.
        sql<
          number | null
        >`sum(coalesce(dead_letters.bytes, octet_length(dead_letters.body) + octet_length(dead_letters.partition_key)))`.as('bytes'),
      ])
      .where('connectors.site_number', '=', siteNumber)
      .executeTakeFirst();
    return { count: Number(row?.n ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /**
   * Deletes a batch of dead letters (at most `limit`): a connector's (all, or the given ids), or every one that
   * failed before `failedBefore` (retention); one short transaction, on SQLite when delivery's thread is not
   * writing. Returns how many went (the caller repeats while a batch was full).
   */
  abstract deleteBatch(selection: DeadLetterSelection, limit: number): Promise<number>;

  /** The statement that deletes a batch of the selection. */
  protected deleteQuery(db: Kysely<Database>, selection: DeadLetterSelection, limit: number) {
    let ids = db.selectFrom('dead_letters').select('id').orderBy('id').limit(limit);
    if ('failedBefore' in selection) ids = ids.where('failed_at', '<', selection.failedBefore);
    else {
      ids = ids.where('connector_id', '=', selection.connectorId);
      if (selection.ids) ids = ids.where('id', 'in', selection.ids.length > 0 ? [...selection.ids] : [-1]);
      if (selection.upTo !== undefined) ids = ids.where('id', '<=', selection.upTo);
    }
    return db.deleteFrom('dead_letters').where('id', 'in', ids);
  }

  /** Dead letters per connector (one query for every connector: health and metrics). */
  async countsByConnector(): Promise<Map<string, number>> {
    const rows = await this.database.db
      .selectFrom('dead_letters')
      .select(['connector_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('connector_id')
      .execute();
    return new Map(rows.map((row) => [row.connector_id, Number(row.n)]));
  }

  /** The newest dead letters matching every given filter; dead letters name the profile `partition_key`. */
  async find(filter: MessageFilter, limit: number): Promise<DeadLetterRow[]> {
    let query = this.database.db.selectFrom('dead_letters').selectAll();
    if (filter.profileId !== undefined) query = query.where('partition_key', '=', filter.profileId);
    if (filter.sourceId !== undefined) query = query.where('source_id', '=', filter.sourceId);
    if (filter.connectorId !== undefined) query = query.where('connector_id', '=', filter.connectorId);
    return query.orderBy('id', 'desc').limit(limit).execute();
  }
}
