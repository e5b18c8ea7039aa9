import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sourceIdOf } from './message-fixture.js';
import { stop } from './processes.js';

const HOST_ENTRY = resolve('dist/apps/connector-host/main.js');

/**
 * The production build of the host, durable store on, pointed at a Kinesis endpoint, with `connectors` connectors,
 * each bound to its own audience (`sourceIdOf(i)`; the first is the fixture's SOURCE_ID).
 */
export class BenchHost {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  static async start(endpoint: string, port: number, env: Record<string, string> = {}, connectors = 1): Promise<BenchHost> {
    const dataDir = mkdtempSync(join(tmpdir(), 'bench-host-'));
    // As npm start runs it (SEMI_SPACE_FLAG in lifecycle/heap-growth.ts: the main heap's young generation).
    const child = spawn(process.execPath, ['--max-semi-space-size=8', HOST_ENTRY], {
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
        // Thousands of set-ups are created through the API below, all of one site (the many-tenant rows model many
        // connectors of one platform site; the per-site quota is for hosts that serve many sites).
        ADMIN_RATE_LIMIT_PER_MINUTE: '10000000',
        MAX_CONNECTORS_PER_SITE: '1000000',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const host = new BenchHost(child, `http://127.0.0.1:${port}`, dataDir);
    try {
      await host.ready(connectors);
    } catch (error) {
      // Never left behind: an orphaned host would hold its port and a core for the rest of the run.
      await host.stop();
      throw error;
    }
    return host;
  }

  /** Waits for the host's readiness, then creates its connectors. */
  private async ready(connectors: number): Promise<void> {
    const { child } = this;
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${this.url}/health/ready`)).ok) break;
      } catch {
        // not yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the host did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Eight set-ups at a time: creating 10,000 one by one would take most of the run.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(8, connectors) }, async () => {
        while (next < connectors) await this.addConnector(next++);
      }),
    );
  }

  /** A Kinesis connector named after `index`, bound to the audience `sourceIdOf(index)`. */
  private async addConnector(index: number): Promise<void> {
    const connector = (await this.post('/v1/connectors', {
      type: 'kinesis',
      siteNumber: 1234,
      name: `Benchmark ${index}`,
      partnerNumber: 33,
      settings: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        region: 'eu-west-1',
        streamName: 'bench',
      },
    })) as { id: string };
    await this.post('/v1/bindings', {
      connectorId: connector.id,
      source: { type: 'audience', id: sourceIdOf(index), number: 123, name: `Benchmark audience ${index}` },
      sourceName: 'some name',
      profileVariables: [{ name: 'lastCategory', property: 'last_category' }],
      properties: { custom: 'variable', another: 123 },
    });
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
