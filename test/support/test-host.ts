import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHostApp } from '../../apps/connector-host/src/create-host-app.js';

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
}

/** The real host, listening on a loopback port, with its own data folder; talks HTTP like the platform does. */
export class TestHost {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly dataDir: string,
  ) {}

  /** Starts a host against `kinesisEndpoint`; pass `dataDir` to restart on an earlier host's data. */
  static async start(kinesisEndpoint: string, options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestHost> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'connector-host-'));
    const { app } = await createHostApp({
      DATA_DIR: dataDir,
      KINESIS_ENDPOINT: kinesisEndpoint,
      KINESIS_CONNECT_TIMEOUT_MS: '500',
      LOG_LEVEL: 'error',
      LOG_FORMAT: 'json',
      DELIVERY_LINGER_MS: '5',
      DELIVERY_RETRY_BASE_MS: '20',
      DELIVERY_IDLE_POLL_MS: '50',
      ...options.env,
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new TestHost(app, `http://127.0.0.1:${address.port}`, dataDir);
  }

  async request<T = any>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>> {
    const response = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Stops the host; keeps its data folder unless `removeData`. */
  async stop(removeData = false): Promise<void> {
    await this.app.close();
    if (removeData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls `probe` until it returns a value that is not undefined; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
