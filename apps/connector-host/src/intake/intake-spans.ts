import type { Attributes } from '@opentelemetry/api';
import type { AppendedChunk } from '../store/outbox/outbox-store.js';
import { messageSeq } from '../store/outbox/outbox-chunk.js';
import type { IngestAnswer } from './ingest-receipt.js';

/** Message id ranges a span lists at most (a commit for thousands of connectors writes as many chunks). */
const MAX_RANGES = 64;

/**
 * What a commit's span says: how many requests and messages, and the ids its messages got (a `first-last` range per
 * chunk, the ids destinations see): how a message id leads to the trace of the request that sent it.
 */
export function commitAttributes(requests: number, appended: readonly AppendedChunk[]): Attributes {
  const ranges = appended
    .slice(0, MAX_RANGES)
    .map((chunk) => `${messageSeq(chunk.seq, 0)}-${messageSeq(chunk.seq, chunk.messages.length - 1)}`);
  return {
    'connector_host.requests': requests,
    'connector_host.messages': appended.reduce((sum, chunk) => sum + chunk.messages.length, 0),
    'connector_host.chunks': appended.length,
    'connector_host.message_ids': ranges,
  };
}

/** What an intake request's span says once answered: counts and status, never an event's content. */
export function intakeAttributes(answer: IngestAnswer, site: number | undefined): Attributes {
  return {
    'http.response.status_code': answer.status,
    'connector_host.events': answer.receipt.accepted,
    'connector_host.messages': answer.receipt.routed,
    'connector_host.skipped': answer.receipt.skipped.total,
    'connector_host.idempotent_replay': answer.replayed,
    ...(site === undefined ? {} : { 'connector_host.site': site }),
  };
}
