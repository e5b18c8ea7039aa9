import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { KinesisDeploymentConfig } from './kinesis.config.js';
import type { KinesisSettings } from './kinesis.settings.js';

/** One record to put: the message body as text (turned into bytes on the thread). */
export interface ThreadRecord {
  PartitionKey: string;
  Data: string;
}

/** The SDK error a call failed with, as far as classification needs it (errors do not cross threads whole). */
export class ThreadedSdkError extends Error {
  constructor(
    name: string,
    message: string,
    readonly code: string | undefined,
    readonly $metadata: { httpStatusCode?: number },
  ) {
    super(message);
    this.name = name;
  }
}

type Answer =
  | { id: number; ok: true; records: PutRecordsResultEntry[] }
  | { id: number; ok: false; name: string; message: string; code?: string; httpStatusCode?: number };

// The thread's code: plain CommonJS, so it runs the same from the build and from the sources under test.
// It builds its client exactly as kinesis.client.ts does (keep-alive HTTP/1.1, no SDK retries).
const THREAD_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const { KinesisClient, PutRecordsCommand } = require(workerData.sdkPath);
const { NodeHttpHandler } = require(workerData.handlerPath);
const { settings, config } = workerData;
const agentOptions = { keepAlive: true, maxSockets: 16 };
const client = new KinesisClient({
  region: settings.region,
  credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
  endpoint: config.endpoint,
  maxAttempts: 1,
  requestHandler: new NodeHttpHandler({
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
    connectionTimeout: config.connectTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
  }),
});
parentPort.on('message', async (request) => {
  if (request.type === 'close') {
    client.destroy();
    parentPort.close();
    return;
  }
  try {
    const Records = request.records.map((record) => ({ PartitionKey: record.PartitionKey, Data: Buffer.from(record.Data, 'utf8') }));
    const response = await client.send(new PutRecordsCommand({ StreamName: request.streamName, Records }));
    const records = (response.Records || []).map((entry) => ({ ShardId: entry.ShardId, SequenceNumber: entry.SequenceNumber, ErrorCode: entry.ErrorCode, ErrorMessage: entry.ErrorMessage }));
    parentPort.postMessage({ id: request.id, ok: true, records });
  } catch (error) {
    parentPort.postMessage({
      id: request.id,
      ok: false,
      name: (error && error.name) || 'Error',
      message: error instanceof Error ? error.message : String(error),
      code: error && typeof error.code === 'string' ? error.code : undefined,
      httpStatusCode: error && error.$metadata ? error.$metadata.httpStatusCode : undefined,
    });
  }
});
`;

/**
 * PutRecords on a thread of its own: serializing, signing and sending 500 records is most of what delivery
 * costs, and on the event loop it competes with accepting events. One thread per set-up, one client in it.
 */
export class KinesisSenderThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (records: PutRecordsResultEntry[]) => void; reject: (error: Error) => void }>();
  private stopped?: string;

  constructor(settings: KinesisSettings, config: KinesisDeploymentConfig) {
    const require = createRequire(import.meta.url);
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        settings: { region: settings.region, accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
        config: { endpoint: config.endpoint, connectTimeoutMs: config.connectTimeoutMs, requestTimeoutMs: config.requestTimeoutMs },
        sdkPath: require.resolve('@aws-sdk/client-kinesis'),
        handlerPath: require.resolve('@smithy/node-http-handler'),
      },
    });
    this.worker.unref();
    this.worker.on('message', (answer: Answer) => {
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (!waiting) return;
      if (answer.ok) waiting.resolve(answer.records);
      else waiting.reject(new ThreadedSdkError(answer.name, answer.message, answer.code, { httpStatusCode: answer.httpStatusCode }));
    });
    const fail = (why: string) => {
      this.stopped = why;
      for (const waiting of this.waiting.values()) waiting.reject(new ThreadedSdkError('SenderThreadStopped', `the sender thread stopped: ${why}`, undefined, {}));
      this.waiting.clear();
    };
    this.worker.on('error', (error) => fail(error.message));
    this.worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  putRecords(streamName: string, records: ThreadRecord[]): Promise<PutRecordsResultEntry[]> {
    if (this.stopped) return Promise.reject(new ThreadedSdkError('SenderThreadStopped', `the sender thread stopped: ${this.stopped}`, undefined, {}));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'send', id, streamName, records });
    });
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    await exited;
  }
}
