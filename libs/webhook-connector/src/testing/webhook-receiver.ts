import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A request the receiver verified with the Standard Webhooks library and acknowledged. */
export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  body: string;
  headers: IncomingHttpHeaders;
  /** 1 for the first request with this webhook-id, 2 for its first repeat, … */
  attempt: number;
}

/** What the receiver answers a verified request with; undefined: 204. */
export type ReceiverAnswer = (request: {
  id: string;
  body: string;
  attempt: number;
}) => { status: number; headers?: Record<string, string>; body?: string } | undefined;

/**
 * A real webhook receiver on 127.0.0.1, as a customer would run one: it verifies every request with the spec's
 * own library (`standardwebhooks`, any of `secrets`), refuses an unsigned or tampered one with 401, and records
 * what it acknowledged. Tests script its answers, and stop and restart it on the same port for outages.
 */
export class WebhookReceiver {
  /** Verified requests it acknowledged (2xx), in arrival order, repeats included. */
  readonly received: ReceivedWebhook[] = [];
  /** Requests whose signature did not verify. */
  refused = 0;
  /** HEAD and OPTIONS requests (checks). */
  probes = 0;
  /** How long it takes to answer a POST. */
  latencyMs = 0;
  /** POSTs being handled now, and the most at once so far. */
  inFlight = 0;
  peakInFlight = 0;
  private readonly verifiers: Webhook[];
  private readonly attempts = new Map<string, number>();
  private answer?: ReceiverAnswer;
  private server?: http.Server;

  private constructor(
    secrets: readonly string[],
    private port: number,
  ) {
    this.verifiers = secrets.map((secret) => new Webhook(secret));
  }

  /** Starts on a free loopback port (or `port`), verifying with any of `secrets`. */
  static async start(secrets: string | readonly string[], port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(typeof secrets === 'string' ? [secrets] : secrets, port);
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/activation`;
  }

  /** Answers verified requests with `answer` from now on; without one, 204 to all. */
  answerWith(answer?: ReceiverAnswer): void {
    this.answer = answer;
  }

  /** Acknowledged requests, each webhook-id once (its first acknowledgement), in arrival order. */
  unique(): ReceivedWebhook[] {
    const seen = new Set<string>();
    return this.received.filter((webhook) => !seen.has(webhook.id) && seen.add(webhook.id));
  }

  /** Stops listening and drops open connections (an outage); `restart` listens on the same port again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = http.createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.method === 'HEAD' || request.method === 'OPTIONS') {
      this.probes++;
      response.writeHead(request.method === 'HEAD' ? 200 : 204).end();
      return;
    }
    const chunks: Buffer[] = [];
    this.peakInFlight = Math.max(this.peakInFlight, ++this.inFlight);
    response.once('close', () => this.inFlight--);
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () =>
      this.latencyMs > 0
        ? setTimeout(() => this.answerRequest(request, response, chunks), this.latencyMs)
        : this.answerRequest(request, response, chunks),
    );
  }

  private answerRequest(request: http.IncomingMessage, response: http.ServerResponse, chunks: Buffer[]): void {
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': header(request, 'webhook-id'),
      'webhook-timestamp': header(request, 'webhook-timestamp'),
      'webhook-signature': header(request, 'webhook-signature'),
    };
    if (request.method !== 'POST' || !this.verifiers.some((verifier) => verifies(verifier, body, headers))) {
      this.refused++;
      response.writeHead(401, { 'content-type': 'text/plain' }).end('signature did not verify');
      return;
    }
    const id = headers['webhook-id'];
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    const answer = this.answer?.({ id, body, attempt }) ?? { status: 204 };
    if (answer.status >= 200 && answer.status < 300) {
      this.received.push({ id, timestamp: Number(headers['webhook-timestamp']), body, headers: request.headers, attempt });
    }
    response.writeHead(answer.status, answer.headers).end(answer.body);
  }
}

function header(request: http.IncomingMessage, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

function verifies(verifier: Webhook, body: string, headers: Record<string, string>): boolean {
  try {
    verifier.verify(body, headers);
    return true;
  } catch {
    return false;
  }
}
