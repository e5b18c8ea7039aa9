import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { decodeDead, decodeMessages, messageSeq } from '../store/outbox/outbox-chunk.js';
import { type NewMessage, OutboxStore } from '../store/outbox/outbox-store.js';
import { type ReplayRow, ReplaysRepository } from '../store/history/replays.repository.js';

/**
 * How often an instance sharing a PostgreSQL looks for replays to run (one created here wakes it at once; one another
 * instance dropped is taken over within its lease and this). On SQLite nothing else creates replays: it looks at
 * boot and when one is created, never on a timer (a look costs a statement; 10,000 idle connectors cost less).
 */
const TICK_MS = 5000;
/** How soon a replay held back by its connector's backlog is looked at again. */
const HELD_RETRY_MS = 1000;
/** A replay's lease: an instance that dies lets another take its replay over after this. */
const LEASE_MS = 15_000;
/** Chunks read per step, and messages requeued per step at most (a chunk is never split). */
const STEP_CHUNKS = 16;
const STEP_MESSAGES = 1000;
/** Characters of chunk text decoded per step at most (a chunk may hold up to 4 MiB). */
const STEP_CHARS = 4 * 1024 * 1024;
/**
 * A replay requeues only while its connector's backlog is below this: live traffic is never stuck behind more than
 * this many replayed messages, and a replay of a day takes no more store than a step at a time.
 */
export const REPLAY_ROOM = 1000;

type StepResult = 'next' | 'held' | 'over';

/**
 * Runs replays: each step reads the next settled chunks of the range from the history (in seq order, so each
 * profile's messages keep their order), keeps the messages the filters ask for, and appends them with their first
 * ids and the replay's progress in one transaction (`OutboxStore.replayStep`). A replay belongs to the instance
 * holding its lease, renewed each step: another takes it over, where it stopped, once an instance dies.
 */
@Injectable()
export class ReplayRunner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReplayRunner.name);
  private timer?: NodeJS.Timeout;
  /** The next look at replays held back (or interrupted by an error): one at a time. */
  private retry?: NodeJS.Timeout;
  private busy = false;
  private again = false;
  private readonly owner: string;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly replays: ReplaysRepository,
    private readonly outbox: OutboxStore,
  ) {
    this.owner = config.cluster.instanceId;
  }

  onModuleInit(): void {
    if (this.config.databaseUrl !== undefined) this.timer = setInterval(() => this.wake(), TICK_MS).unref();
    this.wake();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    clearTimeout(this.retry);
  }

  /** Runs what is claimable now (once more after, if woken meanwhile). */
  wake(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    void this.runAll()
      .then((held) => held && this.lookAgain())
      .catch((error: unknown) => {
        // A store that was busy or down: looked at again in a while, never left stuck until a restart.
        this.logger.warn(`replays: ${errorMessage(error)}`);
        this.lookAgain();
      })
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private lookAgain(): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.wake(), HELD_RETRY_MS).unref();
  }

  /**
   * Steps the replays claimable here in turn, one step each per pass (a long replay of one tenant never starves
   * another's); whether one is held back (to be looked at again soon).
   */
  private async runAll(): Promise<boolean> {
    let active = await this.replays.claimable(this.owner, this.leaseNow());
    let held = false;
    while (active.length > 0) {
      const going: typeof active = [];
      for (const replay of active) {
        // Live traffic first: a connector with a backlog gets no replayed messages (nor a write) until it drains.
        const next = this.outbox.pendingCount(replay.connectorId) >= REPLAY_ROOM ? 'held' : await this.step(replay.id);
        if (next === 'next') going.push(replay);
        held ||= next === 'held';
      }
      active = going;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return held;
  }

  /** On SQLite one instance owns the file: a replay an earlier run of it held is its own at once. */
  private leaseNow(): number {
    return this.config.databaseUrl === undefined ? Number.MAX_SAFE_INTEGER : Date.now();
  }

  /** One step of a replay: `next` (go on with another), `held` (a chunk of its range still pending), `over`. */
  async step(id: string): Promise<StepResult> {
    const replay = await this.replays.claim(id, this.owner, this.leaseNow(), Date.now() + LEASE_MS);
    if (!replay) return 'over';
    // A chunk of the range still in the outbox (a message retrying) settles before the replay passes it: what is
    // after it waits, so nothing is skipped and each profile's messages go in their order.
    const pending = await this.replays.firstPendingFrom(replay);
    const chunks = (await this.replays.chunksFrom(replay, STEP_CHUNKS)).filter((chunk) => pending === undefined || chunk.seq < pending);
    const messages: NewMessage[] = [];
    let nextSeq = replay.next_seq;
    let text = 0;
    for (const chunk of chunks) {
      const chosen = this.chosen(replay, chunk.seq, decodeMessages(chunk.messages), decodeDead(chunk.dead ?? null));
      if (messages.length > 0 && (messages.length + chosen.length > STEP_MESSAGES || text > STEP_CHARS)) break;
      messages.push(...chosen);
      text += chunk.messages.length;
      nextSeq = chunk.seq + 1;
    }
    if (pending !== undefined && nextSeq === replay.next_seq) return 'held';
    const done = pending === undefined && chunks.length < STEP_CHUNKS && nextSeq > (chunks.at(-1)?.seq ?? -1);
    const stepped = await this.outbox.replayStep({ id, owner: this.owner, messages, nextSeq, done });
    return stepped && !done ? 'next' : 'over';
  }

  /** The messages of a chunk the replay's filters keep, with the ids they had. */
  private chosen(replay: ReplayRow, chunkSeq: number, chunk: ReturnType<typeof decodeMessages>, dead: Map<number, unknown>): NewMessage[] {
    const outcomes = replay.outcomes === null ? undefined : new Set(JSON.parse(replay.outcomes) as string[]);
    const chosen: NewMessage[] = [];
    chunk.forEach(([partitionKey, sourceId, body, originalId], index) => {
      if (replay.source_id !== null && sourceId !== replay.source_id) return;
      if (outcomes && !outcomes.has(dead.has(index) ? 'dead_lettered' : 'delivered')) return;
      chosen.push({
        connectorId: replay.connector_id,
        partitionKey,
        sourceId,
        body,
        originalId: originalId ?? messageSeq(chunkSeq, index),
      });
    });
    return chosen;
  }
}
