import type { Agent, IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import https from 'node:https';

/** What a receiver answered: its status, headers, and the start of its body (for error messages). */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How much of an answer's body is kept: enough to show a receiver's error, never a whole page. */
const BODY_PREVIEW_BYTES = 512;

/** A network failure with the code the outcome table knows it by. */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One set-up's connection to its receiver: keep-alive sockets through the policy's agent, and one request at a time per call. */
export class WebhookTransport {
  private readonly client: typeof http | typeof https;

  constructor(
    private readonly url: URL,
    private readonly agent: Agent,
    private readonly timeouts: { connectTimeoutMs: number; requestTimeoutMs: number },
  ) {
    this.client = url.protocol === 'https:' ? https : http;
  }

  /**
   * Sends one request; resolves with the answer (any status), rejects with a TransportError when none came (also
   * when `signal`, the caller's budget, aborts it first).
   */
  send(method: 'POST' | 'HEAD' | 'OPTIONS', headers: Record<string, string>, body?: string, signal?: AbortSignal): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const request = this.client.request(this.url, {
        method,
        agent: this.agent,
        headers: payload ? { ...headers, 'content-length': String(payload.length) } : headers,
        signal: signal
          ? AbortSignal.any([AbortSignal.timeout(this.timeouts.requestTimeoutMs), signal])
          : AbortSignal.timeout(this.timeouts.requestTimeoutMs),
      });
      request.on('socket', (socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(
          () => request.destroy(new TransportError('ConnectTimeout', `no connection within ${this.timeouts.connectTimeoutMs} ms`)),
          this.timeouts.connectTimeoutMs,
        );
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < BODY_PREVIEW_BYTES) chunks.push(chunk.subarray(0, BODY_PREVIEW_BYTES - kept));
          kept += chunk.length;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', (error) => reject(asTransportError(error)));
      });
      request.on('error', (error) => reject(asTransportError(error)));
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Names a socket, TLS, timeout or address-policy failure (or anything else thrown) by a stable code. */
export function asTransportError(thrown: unknown): TransportError {
  if (thrown instanceof TransportError) return thrown;
  if (!(thrown instanceof Error)) return new TransportError('NetworkError', String(thrown));
  const error: Error & { code?: string } = thrown;
  if (error.name === 'AbortError' || error.name === 'TimeoutError')
    return new TransportError('RequestTimeout', 'the receiver did not answer in time');
  // request-filtering-agent refuses a private or reserved address after DNS, without a code of its own.
  // Its words name the address: kept out of what a tenant sees (the host's own networks are nobody's business).
  if (/is not allowed\. Because/.test(error.message))
    return new TransportError('AddressNotAllowed', 'the receiver resolved to an address this service may not send to');
  return new TransportError(error.code ?? 'NetworkError', error.message);
}
