import Type, { type Static } from 'typebox';
import { COUNT, ISO_TIME, UUID } from '../common/schema-parts.js';
import type { ReplayRow } from '../store/history/replays.repository.js';

const OUTCOME = Type.Union([Type.Literal('delivered'), Type.Literal('dead_lettered')]);

/** A replay of a connector's history, as it stands. */
export const ReplayViewSchema = Type.Object(
  {
    id: UUID,
    connectorId: UUID,
    status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('cancelled')]),
    from: ISO_TIME,
    to: ISO_TIME,
    outcomes: Type.Array(OUTCOME, { description: 'The outcomes replayed' }),
    sourceId: Type.Union([Type.String(), Type.Null()]),
    total: Type.Integer({ minimum: 0, description: 'Messages the history held in the range when it was asked for, before the filters' }),
    requeued: Type.Integer({ minimum: 0, description: 'Messages sent to the outbox again, with their first ids' }),
    delivered: COUNT,
    createdAt: ISO_TIME,
    finishedAt: Type.Union([ISO_TIME, Type.Null()]),
  },
  { additionalProperties: false },
);
export type ReplayView = Static<typeof ReplayViewSchema>;

/** The answer to GET /v1/connectors/{id}/replays. */
export const ReplayListSchema = Type.Object(
  { items: Type.Array(ReplayViewSchema, { description: 'Newest first' }) },
  { additionalProperties: false, description: "A connector's latest replays" },
);
export type ReplayList = Static<typeof ReplayListSchema>;

export const ALL_OUTCOMES = ['delivered', 'dead_lettered'] as const;

const iso = (ms: number) => new Date(ms).toISOString();

export function replayView(row: ReplayRow, delivered: number): ReplayView {
  return {
    id: row.id,
    connectorId: row.connector_id,
    status: row.status,
    from: iso(row.from_at),
    to: iso(row.to_at),
    outcomes: row.outcomes === null ? [...ALL_OUTCOMES] : (JSON.parse(row.outcomes) as ReplayView['outcomes']),
    sourceId: row.source_id,
    total: row.total,
    requeued: row.requeued,
    delivered,
    createdAt: iso(row.created_at),
    finishedAt: row.finished_at === null ? null : iso(row.finished_at),
  };
}
