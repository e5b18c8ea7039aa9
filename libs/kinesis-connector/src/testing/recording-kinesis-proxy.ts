import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that passed through: which operation, signed with which key and session token, when. */
export interface SignedCall {
  operation: string;
  accessKeyId?: string;
  sessionToken?: string;
  at: number;
  /** The request's JSON body. */
  body: Record<string, unknown>;
}

/**
 * A loopback proxy in front of a real Kinesis emulator that records how each call was signed (the emulators do
 * not check signatures, so a test that needs to know which credentials signed what reads them here) and forwards
 * it unchanged. It can add fields to DescribeStreamSummary's answer that no emulator reports (a record distribution
 * strategy, KMS encryption): `describeExtras`, the one invented part, named as such by the tests that use it.
 */
export class RecordingKinesisProxy {
  readonly calls: SignedCall[] = [];
  /** Fields merged into StreamDescriptionSummary of every DescribeStreamSummary answer. */
  describeExtras: Record<string, unknown> = {};
  /** An AWS error to answer every PutRecords with instead of forwarding it (e.g. KMSAccessDeniedException). */
  putRecordsError?: { status: number; type: string; message: string };

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string): Promise<RecordingKinesisProxy> {
    const upstream = new URL(target);
    const agent = new http.Agent({ keepAlive: true });
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const proxy = new RecordingKinesisProxy(server, `http://127.0.0.1:${port}`);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          // not JSON: recorded without a body
        }
        proxy.calls.push({
          operation,
          accessKeyId: /Credential=([^/]+)\//.exec(request.headers.authorization ?? '')?.[1],
          sessionToken: request.headers['x-amz-security-token'] as string | undefined,
          at: Date.now(),
          body: parsed,
        });
        const refusal = operation === 'PutRecords' ? proxy.putRecordsError : undefined;
        if (refusal) {
          response.writeHead(refusal.status, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: refusal.type, message: refusal.message }));
          return;
        }
        const forwarded = http.request(
          { agent, hostname: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => parts.push(chunk));
            answer.on('end', () => {
              let text = Buffer.concat(parts);
              if (operation === 'DescribeStreamSummary' && answer.statusCode === 200 && Object.keys(proxy.describeExtras).length > 0) {
                const summary = JSON.parse(text.toString('utf8')) as { StreamDescriptionSummary: Record<string, unknown> };
                Object.assign(summary.StreamDescriptionSummary, proxy.describeExtras);
                text = Buffer.from(JSON.stringify(summary));
              }
              const headers = { ...answer.headers, 'content-length': String(text.length) };
              delete headers['transfer-encoding'];
              response.writeHead(answer.statusCode ?? 502, headers);
              response.end(text);
            });
          },
        );
        forwarded.on('error', () => response.destroy());
        forwarded.end(body);
      });
    });
    return proxy;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
