import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../database.service.js';

/** Successes of a connector seen by one instance since its last write: the latest one's time. */
export interface SuccessFact {
  connectorId: string;
  at: number;
}

/** Failures of a connector seen by one instance: when its streak began there, the latest one, and why. */
export interface FailureFact {
  connectorId: string;
  streakStart: number;
  at: number;
  code: string;
  message: string;
}

/**
 * The delivery facts alerts are decided on (table `delivery_health`), written by every delivering instance for
 * the connectors it delivers. Writes commute: the latest success wins, and a failure streak starts after the latest
 * success any instance recorded, so instances delivering parts of one connector (PostgreSQL's partitions) agree.
 */
@Injectable()
export class DeliveryHealthRepository {
  constructor(private readonly database: DatabaseService) {}

  async recordSuccesses(facts: readonly SuccessFact[]): Promise<void> {
    if (facts.length === 0) return;
    const greatest = this.greatest();
    await this.database.db
      .insertInto('delivery_health')
      .values(facts.map((fact) => ({ connector_id: fact.connectorId, last_success_at: fact.at })))
      .onConflict((conflict) =>
        conflict.column('connector_id').doUpdateSet({
          last_success_at: sql<number>`${greatest}(COALESCE(delivery_health.last_success_at, 0), excluded.last_success_at)`,
        }),
      )
      .execute();
  }

  async recordFailures(facts: readonly FailureFact[]): Promise<void> {
    if (facts.length === 0) return;
    const greatest = this.greatest();
    const lastSuccess = sql`COALESCE(delivery_health.last_success_at, 0)`;
    await this.database.db
      .insertInto('delivery_health')
      .values(
        facts.map((fact) => ({
          connector_id: fact.connectorId,
          failing_since: fact.streakStart,
          last_failure_at: fact.at,
          last_error: JSON.stringify([fact.code.slice(0, 200), fact.message.slice(0, 1000)]),
        })),
      )
      .onConflict((conflict) =>
        conflict.column('connector_id').doUpdateSet({
          // A streak that a success (on any instance) ended starts again after that success.
          failing_since: sql<number>`CASE WHEN delivery_health.failing_since IS NULL OR delivery_health.failing_since <= ${lastSuccess}
            THEN ${greatest}(excluded.failing_since, ${lastSuccess} + 1) ELSE delivery_health.failing_since END`,
          last_failure_at: sql<number>`${greatest}(COALESCE(delivery_health.last_failure_at, 0), excluded.last_failure_at)`,
          last_error: sql<string>`excluded.last_error`,
        }),
      )
      .execute();
  }

  /** Messages dead-lettered within an ALERT_WINDOW (its start). */
  async recordDeadLetters(facts: readonly { connectorId: string; window: number; count: number }[]): Promise<void> {
    if (facts.length === 0) return;
    await this.database.db
      .insertInto('delivery_health')
      .values(facts.map((fact) => ({ connector_id: fact.connectorId, dead_window: fact.window, dead_count: fact.count })))
      .onConflict((conflict) =>
        conflict.column('connector_id').doUpdateSet({
          // A late write for an earlier window (another instance's) changes nothing.
          dead_count: sql<number>`CASE WHEN delivery_health.dead_window = excluded.dead_window
            THEN delivery_health.dead_count + excluded.dead_count
            WHEN delivery_health.dead_window > excluded.dead_window THEN delivery_health.dead_count ELSE excluded.dead_count END`,
          dead_window: sql<number>`${this.greatest()}(COALESCE(delivery_health.dead_window, 0), excluded.dead_window)`,
        }),
      )
      .execute();
  }

  /** Intake refused messages for the connector's backlog cap. */
  async recordCapped(connectorId: string, at: number): Promise<void> {
    await this.database.db
      .insertInto('delivery_health')
      .values({ connector_id: connectorId, capped_at: at })
      .onConflict((conflict) => conflict.column('connector_id').doUpdateSet({ capped_at: sql<number>`excluded.capped_at` }))
      .execute();
  }

  /**
   * A connector enabled again starts afresh: no failure before `at` counts toward a streak, even one an instance
   * writes late (a round that was in flight when it was disabled). Recorded as a success at `at`, which a streak must
   * follow (the record of what was alerted is reset apart, so this raises no recovery).
   */
  async startAfresh(connectorId: string, at: number): Promise<void> {
    await this.database.db
      .insertInto('delivery_health')
      .values({ connector_id: connectorId, last_success_at: at })
      .onConflict((conflict) =>
        conflict.column('connector_id').doUpdateSet({
          last_success_at: sql<number>`${this.greatest()}(COALESCE(delivery_health.last_success_at, 0), excluded.last_success_at)`,
          failing_since: null,
        }),
      )
      .execute();
  }

  private greatest() {
    return sql.raw(this.database.engine === 'postgres' ? 'GREATEST' : 'MAX');
  }
}
