import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  type StreamDescriptionSummary,
} from '@aws-sdk/client-kinesis';
import type {
  CheckContext,
  CheckProblem,
  CheckResult,
  ConnectorInstance,
  ConnectorSetup,
  DeliveryLimits,
  DeliveryMessage,
  DeliveryOutcome,
  DeliverOptions,
} from '@event-connectors/connector-sdk';
import { timedOutOutcome } from '@event-connectors/connector-sdk';
import { planPutRecords } from './kinesis.batches.js';
import { longestCallMs, type ResolvedKinesisOptions } from './kinesis-connector.options.js';
import { classifyError, errorCode, failureReason, httpStatus } from './kinesis.errors.js';
import { DEFAULT_MAX_RECORD_BYTES, LARGEST_MAX_RECORD_BYTES, MAX_RECORDS_PER_REQUEST, MAX_REQUEST_BYTES } from './kinesis.limits.js';
import type { AssumedRoleCredentials } from './credentials/assumed-role-credentials.js';
import { checkDetails, checkWarnings } from './kinesis.check.js';
import { problemOf, problems } from './kinesis.problems.js';
import type { KinesisSettings } from './kinesis.settings.js';
import type { PutRecordsSender } from './put-records/put-records-sender.js';
import { type StreamTarget, streamTargetOf } from './stream-target.js';

const WRITABLE_STATUSES = new Set(['ACTIVE', 'UPDATING']);
/** How long after a failed stream description the next is tried (PutRecords goes on meanwhile). */
const LEARN_RETRY_MS = 30_000;
const LIMIT_UNKNOWN: DeliveryOutcome = {
  status: 'retryable',
  reason: { code: 'StreamLimitUnknown', message: "waiting to learn the stream's record size limit before sending a record over 1 MiB" },
};

/** Runs control-plane calls a few at a time, host-wide: a thousand set-ups opening at once must not stall the host. */
export type ControlPlaneLimit = <T>(call: () => Promise<T>) => Promise<T>;

/** What an instance is made of (KinesisConnector.open builds them). */
export interface KinesisInstanceParts {
  setup: ConnectorSetup<KinesisSettings>;
  /** The SDK client, made on the first control-plane call: most set-ups only ever need PutRecords. */
  createClient: () => KinesisClient;
  sender: PutRecordsSender;
  /** The assumed role of a set-up that assumes one. */
  role?: AssumedRoleCredentials;
  options: ResolvedKinesisOptions;
  controlPlane: ControlPlaneLimit;
}

/** One connector set-up: its SDK client (control plane), its PutRecords path, its stream, its record size limit. */
export class KinesisInstance implements ConnectorInstance {
  readonly limits: DeliveryLimits;
  private maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
  private streamKnown = false;
  private learning?: Promise<void>;
  /** After a failed description, when to try again (a set-up may lack DescribeStreamSummary rights). */
  private learnAgainAt = 0;
  private sdkClient?: KinesisClient;
  private closed = false;
  private readonly target: StreamTarget;
  private readonly setup: ConnectorSetup<KinesisSettings>;
  private readonly sender: PutRecordsSender;
  private readonly options: ResolvedKinesisOptions;

  constructor(private readonly parts: KinesisInstanceParts) {
    ({ setup: this.setup, sender: this.sender, options: this.options } = parts);
    this.target = streamTargetOf(parts.setup.settings);
    this.limits = { maxBatchMessages: MAX_RECORDS_PER_REQUEST, maxBatchBytes: MAX_REQUEST_BYTES, maxCallMs: longestCallMs(this.options) };
  }

  private get client(): KinesisClient {
    this.sdkClient ??= this.parts.createClient();
    return this.sdkClient;
  }

  async check(context?: CheckContext): Promise<CheckResult> {
    const { region } = this.setup.settings;
    const { streamName } = this.target;
    try {
      const summary = await this.describe();
      const details = checkDetails(summary, this.setup.settings, this.target, this.maxRecordBytes, this.parts.role);
      const arnRegion = summary.StreamARN?.split(':')[3];
      if (arnRegion && arnRegion !== region) {
        return { ok: false, problem: problems.regionMismatch(streamName, region, arnRegion), details };
      }
      if (!WRITABLE_STATUSES.has(String(details.streamStatus))) {
        return { ok: false, problem: problems.streamNotActive(streamName, String(details.streamStatus)), details };
      }
      const found = checkWarnings(summary, this.maxRecordBytes, context);
      return { ok: true, details, ...(found.length > 0 && { warnings: found }) };
    } catch (error) {
      return { ok: false, problem: this.problemOf(error), details: {} };
    }
  }

  async deliver(messages: readonly DeliveryMessage[], options: DeliverOptions = {}): Promise<DeliveryOutcome[]> {
    if (messages.length === 0) return [];
    const { signal } = options;
    if (signal?.aborted) return messages.map(() => timedOutOutcome());
    // An emulator's stream may have to be created first. Otherwise the stream is not described at all until a
    // record over 1 MiB (the smallest limit a stream can have) needs its actual limit: a describe costs the host
    // as much as several PutRecords, and a thousand set-ups opening at once would each make one.
    if (this.options.autoCreateStreams) await this.learnStream();
    const outcomes = new Array<DeliveryOutcome>(messages.length);
    // Until the stream's own limit is known, a record over the default limit (a stream may take up to 10 MiB) is
    // neither sent nor refused: it waits, retryable, while the limit is learned.
    const known = this.streamKnown;
    const plan = known
      ? planPutRecords(messages, this.maxRecordBytes)
      : planPutRecords(messages, LARGEST_MAX_RECORD_BYTES, MAX_RECORDS_PER_REQUEST, MAX_REQUEST_BYTES, DEFAULT_MAX_RECORD_BYTES);
    for (const { index, code, message } of plan.unsendable) outcomes[index] = { status: 'rejected', reason: failureReason(code, message) };
    if (plan.held.length > 0) void this.learnStream();
    for (const index of plan.held) outcomes[index] = LIMIT_UNKNOWN;

    // A key that failed in one request must not overtake itself in a later request of the same call.
    const failedKeys = new Set<string>();
    for (const request of plan.requests) {
      const send: number[] = [];
      for (const index of request) {
        // Past the host's budget no further request goes: its records are sent again later.
        if (signal?.aborted) {
          outcomes[index] = timedOutOutcome();
        } else if (failedKeys.has(messages[index].partitionKey)) {
          outcomes[index] = {
            status: 'retryable',
            reason: { code: 'HeldBehindFailure', message: 'an earlier record with the same partition key failed' },
          };
        } else {
          send.push(index);
        }
      }
      if (send.length > 0) await this.putRecords(messages, send, outcomes, failedKeys, signal);
    }
    return outcomes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sdkClient?.destroy();
    this.parts.role?.close();
    this.sender.close();
  }

  private async putRecords(
    messages: readonly DeliveryMessage[],
    send: number[],
    outcomes: DeliveryOutcome[],
    failedKeys: Set<string>,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      const entries = await this.sender.putRecords(
        this.target.params,
        send.map((index) => ({ data: messages[index].body, partitionKey: messages[index].partitionKey })),
        signal,
      );
      send.forEach((index, position) => {
        const entry = entries[position];
        if (entry?.SequenceNumber && !entry.ErrorCode) {
          outcomes[index] = { status: 'delivered', receipt: { shardId: entry.ShardId ?? '', sequenceNumber: entry.SequenceNumber } };
          return;
        }
        // Partial failure: this entry alone failed; it is retried alone, its siblings are done.
        const code = entry?.ErrorCode ?? 'MissingResultEntry';
        const message = entry?.ErrorMessage ?? 'PutRecords returned no result for this record';
        outcomes[index] = { status: classifyError(code), reason: failureReason(code, message) };
        failedKeys.add(messages[index].partitionKey);
      });
    } catch (error) {
      const code = errorCode(error);
      const outcome: DeliveryOutcome = {
        status: classifyError(code, httpStatus(error)),
        reason: failureReason(code, error instanceof Error ? error.message : String(error)),
      };
      for (const index of send) {
        outcomes[index] = outcome;
        failedKeys.add(messages[index].partitionKey);
      }
    }
  }

  /** Learns the stream's record size limit once (and creates it on an emulator); a failure is retried next call. */
  private learnStream(): Promise<void> {
    if (this.streamKnown || this.closed) return Promise.resolve();
    if (this.learning === undefined && Date.now() < this.learnAgainAt) return Promise.resolve();
    this.learning ??= this.parts
      .controlPlane(() => this.describe())
      .then(
        () => undefined,
        // PutRecords reports the same problem per message, classified; nothing to add here but a pause.
        () => void (this.learnAgainAt = Date.now() + LEARN_RETRY_MS),
      )
      .finally(() => (this.learning = undefined));
    return this.learning;
  }

  private async describe(): Promise<StreamDescriptionSummary> {
    let summary: StreamDescriptionSummary | undefined;
    try {
      summary = (await this.client.send(new DescribeStreamSummaryCommand(this.target.params))).StreamDescriptionSummary;
    } catch (error) {
      if (!(this.options.autoCreateStreams && errorCode(error) === 'ResourceNotFoundException')) throw error;
      summary = await this.createStream();
    }
    if (!summary) throw new Error('DescribeStreamSummary returned no summary');
    const kib = summary.MaxRecordSizeInKiB;
    this.maxRecordBytes = kib ? Math.min(kib * 1024, LARGEST_MAX_RECORD_BYTES) : DEFAULT_MAX_RECORD_BYTES;
    this.streamKnown = WRITABLE_STATUSES.has(summary.StreamStatus ?? '');
    return summary;
  }

  private async createStream(): Promise<StreamDescriptionSummary | undefined> {
    const { streamName } = this.target;
    try {
      await this.client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
    } catch (error) {
      if (errorCode(error) !== 'ResourceInUseException') throw error;
    }
    // Emulators create streams in milliseconds; poll briefly rather than wait the SDK waiter's 10 s.
    for (let attempt = 0; attempt < 50; attempt++) {
      const { StreamDescriptionSummary: summary } = await this.client.send(new DescribeStreamSummaryCommand(this.target.params));
      if (summary?.StreamStatus === 'ACTIVE') return summary;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return (await this.client.send(new DescribeStreamSummaryCommand(this.target.params))).StreamDescriptionSummary;
  }

  private problemOf(error: unknown): CheckProblem {
    return problemOf(error, this.setup.settings, this.target, this.options.endpoint);
  }
}
