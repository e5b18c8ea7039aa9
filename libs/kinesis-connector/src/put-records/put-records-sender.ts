import http from 'node:http';
import https from 'node:https';
import { Hash } from '@smithy/hash-node';
import { putRecordsEndpoint } from './put-records-endpoint.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { KinesisServiceError, errorOfAnswer } from './service-error.js';

/** Credentials to sign with: fixed keys, or a provider (temporary credentials refresh themselves). */
export type SigningCredentials =
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>);

export interface PutRecordsSenderOptions {
  region: string;
  credentials: SigningCredentials;
  /** The region's endpoint by the SDK's rules (put-records-endpoint.ts), unless an emulator's or a private one is given. */
  endpoint?: string;
  /** The stream's ARN, when the set-up names it so: the SDK sends such calls to the account's data endpoint. */
  streamArn?: string;
  /** Keep-alive agents, shared with the set-up's SDK client. */
  agents: { http: http.Agent; https: https.Agent };
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

/** How a call names its stream: by name (in the caller's account) or by ARN (any account). */
export type StreamParams = { StreamName: string } | { StreamARN: string };

/** One record as PutRecords takes it. */
export interface OutgoingRecord {
  data: string;
  partitionKey: string;
}

/** One entry of PutRecords' answer, in request order, as the service names its fields. */
export interface PutRecordsResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

const TARGET = 'Kinesis_20131202.PutRecords';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * PutRecords on a lean path: the JSON 1.1 body written directly, signed by the SDK's own SigV4 signer, sent over
 * keep-alive `node:http(s)`, its answer and its errors decoded as the SDK decodes them. The SDK's client costs
 * a few hundred microseconds of CPU per call whatever its size (middleware stack, endpoint rules, serde), which
 * is most of the cost of a small batch; control-plane calls (DescribeStreamSummary, check) stay on the SDK.
 * No retries here: the host's delivery loop owns them, per record.
 */
export class PutRecordsSender {
  private readonly signer: SignatureV4;
  private readonly url: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(private readonly options: PutRecordsSenderOptions) {
    this.url = new URL(options.endpoint ?? putRecordsEndpoint(options.region, options.streamArn));
    this.transport = this.url.protocol === 'https:' ? https : http;
    this.agent = this.url.protocol === 'https:' ? options.agents.https : options.agents.http;
    this.signer = new SignatureV4({
      service: 'kinesis',
      region: options.region,
      credentials: options.credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  /**
   * Sends one PutRecords; resolves with its entries (in request order), rejects with the call's error (a timeout
   * as TimeoutError, the name the SDK gives it, so the error table classifies both paths alike).
   */
  async putRecords(stream: StreamParams, records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<PutRecordsResultEntry[]> {
    const body = Buffer.from(putRecordsBody(stream, records), 'utf8');
    const { hostname, port, pathname } = this.url;
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname,
      port: port ? Number(port) : undefined,
      path: pathname,
      query: {},
      headers: {
        host: this.url.host,
        'content-type': CONTENT_TYPE,
        'x-amz-target': TARGET,
        'content-length': String(body.length),
      },
      body,
    });
    const answer = await this.send(signed.headers, body, signal);
    if (answer.status !== 200) throw errorOfAnswer(answer.status, answer.headers, answer.text);
    const parsed = JSON.parse(answer.text) as { Records?: PutRecordsResultEntry[] };
    return parsed.Records ?? [];
  }

  /** Closes the keep-alive connections (the SDK client's too: they share them). */
  close(): void {
    this.options.agents.http.destroy();
    this.options.agents.https.destroy();
  }

  private send(
    headers: Record<string, string>,
    body: Buffer,
    signal?: AbortSignal,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
    const { hostname, port, pathname } = this.url;
    return new Promise((resolve, reject) => {
      const request = this.transport.request({
        agent: this.agent,
        hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
        port: port || undefined,
        path: pathname,
        method: 'POST',
        headers,
      });
      let connectTimer: NodeJS.Timeout | undefined;
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(
          () => request.destroy(new KinesisServiceError('TimeoutError', `no connection within ${this.options.connectTimeoutMs} ms`)),
          this.options.connectTimeoutMs,
        );
        socket.once('connect', () => clearTimeout(connectTimer));
      });
      request.setTimeout(this.options.requestTimeoutMs, () =>
        request.destroy(new KinesisServiceError('TimeoutError', `no answer within ${this.options.requestTimeoutMs} ms`)),
      );
      // The caller's budget: once it runs out the request ends, as a timeout would.
      const abort = () => request.destroy(new KinesisServiceError('TimeoutError', 'the call ran out of time before Kinesis answered'));
      if (signal?.aborted) abort();
      signal?.addEventListener('abort', abort, { once: true });
      request.on('close', () => signal?.removeEventListener('abort', abort));
      request.on('error', (error) => {
        clearTimeout(connectTimer);
        reject(error);
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(connectTimer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      request.end(body);
    });
  }
}

/** PutRecords' JSON 1.1 body: the stream by name or ARN, record data base64-encoded, as the API takes blobs. */
export function putRecordsBody(stream: StreamParams, records: readonly OutgoingRecord[]): string {
  const named =
    'StreamARN' in stream ? `"StreamARN":${JSON.stringify(stream.StreamARN)}` : `"StreamName":${JSON.stringify(stream.StreamName)}`;
  let json = `{${named},"Records":[`;
  records.forEach((record, index) => {
    if (index > 0) json += ',';
    json += `{"Data":"${Buffer.from(record.data, 'utf8').toString('base64')}","PartitionKey":${JSON.stringify(record.partitionKey)}}`;
  });
  return `${json}]}`;
}
