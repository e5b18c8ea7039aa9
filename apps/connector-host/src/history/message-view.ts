import Type, { type Static } from 'typebox';
import { ISO_TIME, mapOf, UUID } from '../common/schema-parts.js';
import type { HistoryMessage } from '../store/history/history-search.js';

const ERROR = Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false });

/** One delivery call's result for one message. */
export const MessageAttemptViewSchema = Type.Object(
  {
    at: ISO_TIME,
    outcome: Type.Union([Type.Literal('delivered'), Type.Literal('retry'), Type.Literal('dead_lettered')], {
      description: 'delivered; retry: failed and sent again later; dead_lettered: failed for good',
    }),
    latencyMs: Type.Integer({ minimum: 0, description: 'How long the call that carried it took' }),
    receipt: Type.Union([mapOf(Type.String()), Type.Null()], {
      description: 'Where the destination says it landed, as its connector reported it',
    }),
    error: Type.Union([ERROR, Type.Null()]),
  },
  { additionalProperties: false },
);

/** A message as the history shows it: what it was, and every attempt to deliver it. */
export const MessageViewSchema = Type.Object(
  {
    id: Type.String({ description: 'The message id (webhooks send it as webhook-id)' }),
    connectorId: UUID,
    profileId: Type.String(),
    sourceId: Type.Union([Type.String(), Type.Null()]),
    callType: Type.Union([Type.String(), Type.Null()], { description: 'NEW, MODIFIED or REMOVED' }),
    acceptedAt: ISO_TIME,
    status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead_lettered')]),
    nextAttemptAt: Type.Union([ISO_TIME, Type.Null()], { description: 'A pending message that failed: when it goes again' }),
    deadLetter: Type.Union([ERROR, Type.Null()], { description: 'Why it was dead-lettered' }),
    attempts: Type.Array(MessageAttemptViewSchema),
  },
  { additionalProperties: false },
);
export type MessageView = Static<typeof MessageViewSchema>;

/** GET /v1/connectors/:id/messages: newest first. */
export const MessagePageSchema = Type.Object(
  {
    items: Type.Array(MessageViewSchema),
    next: Type.Union([Type.String(), Type.Null()], {
      description:
        'Pass as `cursor` for the next (older) page; null when there is nothing older. A page may hold fewer than `limit` items (a search reads a bounded amount of history per page) and still have a next one.',
    }),
  },
  { additionalProperties: false },
);
export type MessagePage = Static<typeof MessagePageSchema>;

const iso = (ms: number) => new Date(ms).toISOString();

export function messageView(message: HistoryMessage): MessageView {
  return {
    id: String(message.id),
    connectorId: message.connectorId,
    profileId: message.profileId,
    sourceId: message.sourceId,
    callType: message.callType,
    acceptedAt: iso(message.acceptedAt),
    status: message.status,
    nextAttemptAt: message.nextAttemptAt === null ? null : iso(message.nextAttemptAt),
    deadLetter: message.deadReason,
    attempts: message.attempts.map((attempt) => ({
      at: iso(attempt.at),
      outcome: attempt.outcome,
      latencyMs: attempt.latencyMs,
      receipt: attempt.receipt,
      error: attempt.error,
    })),
  };
}
