import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeConnectorModule, FakeDestinations } from '@event-connectors/connector-sdk/testing';
import { createHostApp } from '../../apps/connector-host/src/create-host-app.js';
import { freshDatabaseUrl } from './postgres.js';

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
}

export interface HostOptions {
  dataDir?: string;
  env?: Record<string, string>;
}

/**
 * Delivery's thread from the TypeScript sources, as the tests themselves run (source-thread/typescript-hooks.mjs):
 * an edit is under test without a build. Hosts started `withFake` run delivery on their own event loop, since the
 * fake's scripted destinations live in the test's memory. The fault and security suites start the built host
 * (`dist/`) in processes of its own, on purpose.
 */
export const SOURCE_DELIVERY_THREAD = {
  entry: new URL('./source-thread/delivery-thread.mjs', import.meta.url),
  execArgv: [],
};

/** The real host, listening on a loopback port, with its own data folder; talks HTTP like the platform does. */
export class TestHost {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly url: string,
    readonly dataDir: string,
    /** The scripted destinations of a host started `withFake`. */
    readonly destinations: FakeDestinations,
  ) {}

  /** Starts a host with the Kinesis connector against `kinesisEndpoint`; pass `dataDir` to restart on an earlier host's data. */
  static async start(kinesisEndpoint: string, options: HostOptions = {}): Promise<TestHost> {
    return TestHost.boot(
      { CONNECTORS: 'kinesis', KINESIS_ENDPOINT: kinesisEndpoint, KINESIS_CONNECT_TIMEOUT_MS: '500', ...options.env },
      options.dataDir,
    );
  }

  /** Starts a host with the connectors its environment configures (CONNECTORS=…, default all), as `npm start` does. */
  static async configured(options: HostOptions = {}): Promise<TestHost> {
    return TestHost.boot({ ...options.env }, options.dataDir);
  }

  /**
   * Starts a host whose only connector is the SDK's fake (type `fake`), with scripted destinations: for host
   * behaviour that does not depend on what the destination is. Pass `destinations` to keep them across a restart.
   */
  static async withFake(options: HostOptions & { destinations?: FakeDestinations } = {}): Promise<TestHost> {
    const destinations = options.destinations ?? new FakeDestinations();
    return TestHost.boot({ ...options.env }, options.dataDir, [FakeConnectorModule.forRoot({ destinations })], destinations);
  }

  private static async boot(
    env: Record<string, string>,
    dataDir = mkdtempSync(join(tmpdir(), 'connector-host-')),
    connectors?: DynamicModule[],
    destinations = new FakeDestinations(),
  ): Promise<TestHost> {
    const { app } = await createHostApp(
      {
        ...(await storeUnderTest(dataDir)),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
        LOG_FORMAT: 'json',
        DELIVERY_LINGER_MS: '5',
        DELIVERY_RETRY_BASE_MS: '20',
        DELIVERY_IDLE_POLL_MS: '50',
        ...env,
      },
      { connectors, deliveryThread: SOURCE_DELIVERY_THREAD },
    );
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new TestHost(app, `http://127.0.0.1:${address.port}`, dataDir, destinations);
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

/**
 * The store a suite's hosts use: the embedded SQLite file in their data folder, or, in the test run's postgres
 * project (TEST_STORE=postgres), a fresh PostgreSQL database per data folder, so a host restarted on an earlier
 * host's data finds that host's database again.
 */
const databases = new Map<string, string>();
const SHARED_KEY = randomBytes(32).toString('base64');
async function storeUnderTest(dataDir: string): Promise<Record<string, string>> {
  if (process.env.TEST_STORE !== 'postgres') return {};
  let url = databases.get(dataDir);
  if (!url) databases.set(dataDir, (url = await freshDatabaseUrl()));
  return { DATABASE_URL: url, SECRETS_KEY: SHARED_KEY };
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
