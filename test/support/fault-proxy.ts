import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An AWS error to answer instead of forwarding, for one operation (and, if given, one stream). */
export interface InjectedError {
  operation: string;
  streamName?: string;
  status: number;
  type: string;
  message: string;
}

export interface FaultOptions {
  /** Share of PutRecords entries answered with a per-entry failure instead of reaching the emulator. */
  entryFailureRate?: number;
  /** Share of PutRecords requests refused whole with ProvisionedThroughputExceededException. */
  requestThrottleRate?: number;
  /** Errors answered for whole requests, as AWS would (credentials refused, access denied, outage). */
  errors?: InjectedError[];
  /** Every PutRecords is answered this much later, as AWS answers from its region. */
  latencyMs?: number;
  /** Deterministic randomness, so a failing run can be repeated. */
  seed?: number;
}

interface PutRecordsBody {
  StreamName: string;
  Records: { Data: string; PartitionKey: string }[];
}

/**
 * A loopback proxy in front of a real Kinesis emulator that makes it fail the ways AWS does and no npm
 * emulator can: it turns some entries of each PutRecords into ProvisionedThroughputExceededException or
 * InternalFailure (those entries never reach the emulator), refuses some whole requests as throttled, and
 * answers chosen operations with chosen errors. Everything else is forwarded as is, and the emulator's
 * real answers are merged back in entry order.
 */
export class FaultProxy {
  /** Data of every record that reached the emulator, in order: a record sent twice shows up twice. */
  readonly forwarded: string[] = [];
  injectedEntryFailures = 0;
  injectedRequestThrottles = 0;
  /** Most PutRecords requests the proxy held at the same time: proof of calls overlapping. */
  maxPutRecordsInFlight = 0;
  private putRecordsInFlight = 0;
  private random: () => number;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    seed: number,
  ) {
    this.random = mulberry32(seed);
  }

  static async start(target: string, options: FaultOptions): Promise<FaultProxy> {
    const targetUrl = new URL(target);
    // The handler needs the proxy, and the proxy the listening server: the one is set once the other listens.
    const handle: { proxy?: FaultProxy } = {};
    const server = http.createServer((request, response) => void serve(request, response));
    const serve = async (request: http.IncomingMessage, response: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const operation = String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .pop();
      try {
        const streamName = (JSON.parse(body.toString('utf8') || '{}') as { StreamName?: string }).StreamName;
        const injected = options.errors?.find(
          (error) => error.operation === operation && (error.streamName === undefined || error.streamName === streamName),
        );
        if (injected) {
          sendJson(response, injected.status, { __type: injected.type, message: injected.message });
          return;
        }
        if (operation !== 'PutRecords') {
          const answer = await forward(targetUrl, request, body);
          response.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
        await handle.proxy!.putRecords(targetUrl, request, JSON.parse(body.toString('utf8')) as PutRecordsBody, response, options);
      } catch (error) {
        response.writeHead(502).end(String(error));
      }
    };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    handle.proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options.seed ?? 1);
    return handle.proxy;
  }

  private async putRecords(
    target: URL,
    request: http.IncomingMessage,
    body: PutRecordsBody,
    response: http.ServerResponse,
    options: FaultOptions,
  ): Promise<void> {
    this.putRecordsInFlight++;
    this.maxPutRecordsInFlight = Math.max(this.maxPutRecordsInFlight, this.putRecordsInFlight);
    try {
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      await this.answerPutRecords(target, request, body, response, options);
    } finally {
      this.putRecordsInFlight--;
    }
  }

  private async answerPutRecords(
    target: URL,
    request: http.IncomingMessage,
    body: PutRecordsBody,
    response: http.ServerResponse,
    options: FaultOptions,
  ): Promise<void> {
    if (this.random() < (options.requestThrottleRate ?? 0)) {
      this.injectedRequestThrottles++;
      sendJson(response, 400, { __type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded for stream (injected)' });
      return;
    }
    const failures = new Map<number, { ErrorCode: string; ErrorMessage: string }>();
    body.Records.forEach((_, index) => {
      if (this.random() < (options.entryFailureRate ?? 0)) {
        const code = this.random() < 0.5 ? 'ProvisionedThroughputExceededException' : 'InternalFailure';
        failures.set(index, { ErrorCode: code, ErrorMessage: `${code} (injected)` });
      }
    });
    this.injectedEntryFailures += failures.size;
    const passing = body.Records.filter((_, index) => !failures.has(index));
    let results: Record<string, unknown>[] = [];
    if (passing.length > 0) {
      const answer = await forward(target, request, Buffer.from(JSON.stringify({ ...body, Records: passing })));
      if (answer.status !== 200) {
        response.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
      for (const record of passing) this.forwarded.push(Buffer.from(record.Data, 'base64').toString('utf8'));
      results = (JSON.parse(answer.body.toString('utf8')) as { Records: Record<string, unknown>[] }).Records;
    }
    let next = 0;
    const merged = body.Records.map((_, index) => failures.get(index) ?? results[next++]);
    const failed = merged.filter((entry) => 'ErrorCode' in entry && entry.ErrorCode).length;
    sendJson(response, 200, { FailedRecordCount: failed, Records: merged });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function forward(
  target: URL,
  request: http.IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
  const headers = { ...request.headers, host: target.host, 'content-length': String(body.length) };
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const { 'content-length': _length, 'transfer-encoding': _encoding, connection: _connection, ...rest } = answer.headers;
          const payload = Buffer.concat(chunks);
          resolve({ status: answer.statusCode ?? 502, headers: { ...rest, 'content-length': payload.length }, body: payload });
        });
        answer.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** A small seeded PRNG (public domain), enough to make injected faults repeatable. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
