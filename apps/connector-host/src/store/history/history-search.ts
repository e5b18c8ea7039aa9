import { callTypeOf } from '@event-connectors/connector-sdk';
import {
  type ChunkMessage,
  chunkOf,
  type DeadReason,
  decodeDead,
  decodeMessages,
  decodeState,
  messageSeq,
} from '../outbox/outbox-chunk.js';
import { decodeFinalAttempts, type MessageAttempt } from './chunk-attempts.js';

/** A chunk as the history reads it: pending (in the outbox, with its state) or settled (in the history). */
export interface HistoryChunk {
  seq: number;
  connector_id: string;
  accepted_at: number;
  /** Pending: the chunk's state; absent when settled. */
  state?: string | null;
  /** Settled: its dead-lettered indexes (JSON), null when all were delivered; absent while pending. */
  dead?: string | null;
  /** Settled: the attempts of the settlement that moved it (JSON; see chunk-attempts.ts). */
  attempts?: string | null;
  messages: string;
}

/** Reads up to `count` chunks of one source whose seq is at most `atMostSeq`, newest first (of one connector, if given). */
export type HistoryPager = (connectorId: string | undefined, atMostSeq: number, count: number) => Promise<HistoryChunk[]>;

export type MessageStatus = 'pending' | 'delivered' | 'dead_lettered';

export interface HistoryQuery {
  connectorId?: string;
  profileId?: string;
  sourceId?: string;
  status?: MessageStatus;
  /** Accepted at or after (ms). */
  from?: number;
  /** Accepted at or before (ms). */
  to?: number;
  /** Only messages whose seq is below this one (the cursor of the previous page). */
  before?: number;
  limit: number;
}

/** One message as the history shows it; its attempts are filled in after the search (by chunk). */
export interface HistoryMessage {
  /** The message id destinations saw: its seq, or a replayed message's first id. */
  id: number;
  /** Its place in the store (its seq): what pages go by. */
  seq: number;
  connectorId: string;
  profileId: string;
  sourceId: string | null;
  callType: string | null;
  acceptedAt: number;
  status: MessageStatus;
  /** A pending message's next try, after a failed attempt. */
  nextAttemptAt: number | null;
  /** Why it was dead-lettered. */
  deadReason: { code: string; message: string } | null;
  attempts: MessageAttempt[];
}

export interface HistorySearch {
  items: HistoryMessage[];
  /** Where the next page starts (pass as `before`); null when there is nothing older. */
  next: number | null;
}

/** Chunks read per page and source: the event loop takes a turn between pages. */
const PAGE_CHUNKS = 16;
/** Characters of chunk text one search reads at most; past it the page ends early with a cursor to go on. */
export const HISTORY_BUDGET_CHARS = 32 * 1024 * 1024;
/** Chunks are numbered in acceptance order up to instances' clock skew: older than `from` by this much, stop. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The messages of a connector (or all), newest first, from the outbox (pending chunks) and the history (settled
 * ones) merged by seq: both are read a page at a time and only what both pages cover is emitted. No index per
 * message: chunks are decoded here, so a search reads at most `budgetChars` of chunk text and then answers what it
 * found with a cursor to go on, whatever the filters.
 */
export async function searchHistory(
  pending: HistoryPager,
  settled: HistoryPager,
  query: HistoryQuery,
  budgetChars = HISTORY_BUDGET_CHARS,
): Promise<HistorySearch> {
  const items: HistoryMessage[] = [];
  let before = query.before ?? Number.MAX_SAFE_INTEGER;
  let read = 0;
  const floor = query.from === undefined ? -Infinity : query.from - CLOCK_SKEW_MS;
  for (;;) {
    const atMost = chunkOf(before - 1);
    // The outbox first, then the history: a chunk that settles between the two reads is in both (the history's copy
    // is kept), never in neither.
    const fromOutbox = await pending(query.connectorId, atMost, PAGE_CHUNKS);
    const fromHistory = await settled(query.connectorId, atMost, PAGE_CHUNKS);
    // A full page may have more below its last chunk: only what lies above both pages' ends is complete.
    const frontier = Math.max(frontierOf(fromOutbox, floor), frontierOf(fromHistory, floor));
    const moved = new Set(fromHistory.map((chunk) => chunk.seq));
    const chunks = [...fromOutbox.filter((chunk) => !moved.has(chunk.seq)), ...fromHistory]
      .filter((chunk) => chunk.seq >= frontier)
      .sort((a, b) => b.seq - a.seq);
    for (const chunk of chunks) {
      if (read >= budgetChars) return { items, next: before };
      read += chunk.messages.length;
      if (chunk.accepted_at >= (query.from ?? -Infinity) && chunk.accepted_at <= (query.to ?? Infinity)) {
        for (const item of messagesOf(chunk, before, query)) {
          items.push(item);
          if (items.length === query.limit) return { items, next: item.seq };
        }
      }
      before = messageSeq(chunk.seq, 0);
    }
    if (frontier === -Infinity) return { items, next: null };
    before = messageSeq(frontier, 0);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The last chunk of a full page (more may lie below it), or -Infinity for a source that is done. */
function frontierOf(page: readonly HistoryChunk[], floor: number): number {
  if (page.length < PAGE_CHUNKS) return -Infinity;
  const last = page[page.length - 1];
  // Chunks this much older than `from` mean every one below is older too: this source is done.
  return last.accepted_at < floor ? -Infinity : last.seq;
}

/** A chunk's messages below `before` that match the query, newest first. */
function* messagesOf(chunk: HistoryChunk, before: number, query: HistoryQuery): Generator<HistoryMessage> {
  const messages: ChunkMessage[] = decodeMessages(chunk.messages);
  const settled = chunk.state === undefined;
  const state = settled ? undefined : decodeState(chunk.state ?? null);
  const dead: Map<number, DeadReason> = settled ? decodeDead(chunk.dead ?? null) : (state?.dead ?? new Map<number, DeadReason>());
  const final = decodeFinalAttempts(chunk.attempts ?? null);
  for (let index = messages.length - 1; index >= 0; index--) {
    const id = messageSeq(chunk.seq, index);
    if (id >= before) continue;
    const [profileId, sourceId, body, originalId] = messages[index];
    if (query.profileId !== undefined && profileId !== query.profileId) continue;
    if (query.sourceId !== undefined && sourceId !== query.sourceId) continue;
    const reason = dead.get(index);
    const done = settled || state!.done.has(index);
    const status: MessageStatus = !done ? 'pending' : reason ? 'dead_lettered' : 'delivered';
    if (query.status !== undefined && status !== query.status) continue;
    const retry = done ? undefined : state!.retry.get(index);
    yield {
      id: originalId ?? id,
      seq: id,
      connectorId: chunk.connector_id,
      profileId,
      sourceId,
      callType: callTypeOf(body) ?? null,
      acceptedAt: chunk.accepted_at,
      status,
      nextAttemptAt: retry ? retry[1] : null,
      deadReason: reason ? { code: reason[0], message: reason[1] } : null,
      attempts: final.flatMap((attempts) => attempts.get(index) ?? []),
    };
  }
}
