import {
  type CheckResult,
  type DeliveryMessage,
  type DeliveryOutcome,
  type FailureReason,
  timedOutOutcome,
} from '../../event-connector.js';

/** How a scripted destination answers one message; `undefined`: it takes it. */
export type FakeAnswer = (message: DeliveryMessage, destination: FakeDestination) => DeliveryOutcome | undefined;

/**
 * A destination a test scripts: what it answers, how long it takes, and what it received. Not a stand-in for a
 * real destination's protocol (Kinesis and webhook tests use real peers): it lets host tests drive every
 * outcome of the EventConnector contract without an emulator.
 */
export class FakeDestination {
  /** Messages it took, in arrival order. */
  readonly received: DeliveryMessage[] = [];
  /** Messages offered to it, in arrival order, whatever the answer. */
  readonly offered: DeliveryMessage[] = [];
  /** `deliver` calls so far. */
  calls = 0;
  /** How long each `deliver` call takes. */
  latencyMs = 0;
  /** The token a set-up must carry; unset: any token passes. */
  expectedToken?: string;
  private answer?: FakeAnswer;
  private checkAnswer?: CheckResult;
  /** While stalled: the calls waiting for an answer that never comes (until their budget ends, or `answerAgain`). */
  private stalledCalls?: Set<() => void>;
  /** Whether a stall ignores the host's budget (a plugin that never looks at its signal). */
  private stallIgnoresBudget = false;

  constructor(readonly name: string) {}

  /** Answers each message with `answer` from now on; without one, takes everything. */
  answerWith(answer?: FakeAnswer): this {
    this.answer = answer;
    return this;
  }

  /** Every message fails with `reason` (`retryable`: an outage; `rejected`: refused) until `answerWith()`. */
  failWith(reason: FailureReason, status: 'retryable' | 'rejected' = 'retryable'): this {
    return this.answerWith(() => ({ status, reason }));
  }

  /**
   * Accepts calls and never answers them, like a receiver that holds the connection open: each call waits until the
   * host's budget (its signal) ends it, every message then timed out; or until `answerAgain()`.
   */
  stall(options: { ignoringBudget?: boolean } = {}): this {
    this.stalledCalls ??= new Set();
    this.stallIgnoresBudget = options.ignoringBudget ?? false;
    return this;
  }

  /** Ends a stall: the calls waiting go on to be answered as scripted. */
  answerAgain(): this {
    const waiting = this.stalledCalls;
    this.stalledCalls = undefined;
    for (const release of waiting ?? []) release();
    return this;
  }

  /** Waits in a stall: true once it ends, false when the call's budget ran out first. */
  private waitOutStall(calls: Set<() => void>, signal?: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const release = () => {
        calls.delete(release);
        signal?.removeEventListener('abort', abort);
        resolve(true);
      };
      const abort = () => {
        calls.delete(release);
        resolve(false);
      };
      calls.add(release);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Calls waiting in a stall now. */
  get stalledNow(): number {
    return this.stalledCalls?.size ?? 0;
  }

  /** What `check()` answers; unset: ok, unless the token is wrong. */
  answerCheck(result?: CheckResult): this {
    this.checkAnswer = result;
    return this;
  }

  /** The bodies it took for one partition key, in arrival order. */
  bodiesFor(partitionKey: string): string[] {
    return this.received.filter((message) => message.partitionKey === partitionKey).map((message) => message.body);
  }

  check(token: string): CheckResult {
    if (this.checkAnswer) return this.checkAnswer;
    if (this.expectedToken !== undefined && token !== this.expectedToken) {
      return { ok: false, problem: { code: 'credentials_rejected', message: `Destination "${this.name}" refused the token` }, details: {} };
    }
    return { ok: true, details: { destination: this.name, received: this.received.length } };
  }

  async deliver(messages: readonly DeliveryMessage[], token: string, signal?: AbortSignal): Promise<DeliveryOutcome[]> {
    this.calls++;
    if (signal?.aborted) return messages.map(() => timedOutOutcome());
    const budget = this.stallIgnoresBudget ? undefined : signal;
    if (this.stalledCalls && !(await this.waitOutStall(this.stalledCalls, budget))) return messages.map(() => timedOutOutcome());
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    return messages.map((message) => {
      this.offered.push(message);
      const refused = this.expectedToken !== undefined && token !== this.expectedToken;
      const outcome: DeliveryOutcome | undefined = refused
        ? { status: 'rejected', reason: { code: 'Unauthorized', message: 'the token was refused', scope: 'destination' } }
        : this.answer?.(message, this);
      if (outcome) return outcome;
      this.received.push(message);
      return { status: 'delivered', receipt: { destination: this.name, position: String(this.received.length) } };
    });
  }
}

/** The scripted destinations of one test run, by name; a set-up's `destination` setting picks one. */
export class FakeDestinations {
  private readonly byName = new Map<string, FakeDestination>();

  /** The destination of that name, created on first use. */
  get(name: string): FakeDestination {
    let destination = this.byName.get(name);
    if (!destination) this.byName.set(name, (destination = new FakeDestination(name)));
    return destination;
  }
}
