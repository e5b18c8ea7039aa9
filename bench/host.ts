import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SOURCE_ID } from './message-fixture.js';
import { stop } from './processes.js';

const HOST_ENTRY = resolve('dist/apps/connector-host/main.js');

/** The production build of the host, durable store on, pointed at a Kinesis endpoint, with one bound connector. */
export class BenchHost {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  static async start(endpoint: string, port: number, env: Record<string, string> = {}): Promise<BenchHost> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-host-'));
    const child = spawn(process.execPath, [HOST_ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_NO_WARNINGS: '1',
        APP_ENV: 'production',
        SECRETS_KEY: randomBytes(32).toString('base64'),
        KINESIS_ENDPOINT: endpoint,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const host = new BenchHost(child, `http://127.0.0.1:${port}`, dataDir);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${host.url}/health/ready`)).ok) break;
      } catch {
        // not yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the host did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const connector = (await host.post('/v1/connectors', {
      type: 'kinesis',
      siteNumber: 1234,
      name: 'Benchmark',
      partnerNumber: 33,
      settings: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        region: 'eu-west-1',
        streamName: 'bench',
      },
    })) as { id: string };
    await host.post('/v1/bindings', {
      connectorId: connector.id,
      source: { type: 'audience', id: SOURCE_ID, number: 123, name: 'Benchmark audience' },
      sourceName: 'some name',
      profileVariables: [{ name: 'lastCategory', property: 'last_category' }],
      properties: { custom: 'variable', another: 123 },
    });
    return host;
  }

  async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(this.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  async stop(): Promise<void> {
    await stop(this.child);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
