import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostApp } from '../../apps/connector-host/src/create-host-app.js';
import { HostProcess } from '../faults/support/host-process.js';
import { freeFixedPort } from '../support/free-port.js';
import { freshDatabaseUrl } from '../support/postgres.js';

/** The IPv4 addresses a port listens on, read from the kernel's own table (no tool needed, no traffic sent). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
    .map((fields) =>
      fields[1]
        .split(':')[0]
        .match(/../g)!
        .reverse()
        .map((byte) => parseInt(byte, 16))
        .join('.'),
    );
}

describe('start-up safety', () => {
  it('refuses to start in production without SECRETS_KEY', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'no-key-'));
    try {
      await expect(
        createHostApp({
          APP_ENV: 'production',
          DATA_DIR: dataDir,
          KINESIS_ENDPOINT: 'http://127.0.0.1:9',
          LOG_LEVEL: 'silent',
          LOG_FORMAT: 'json',
        }),
      ).rejects.toThrow(/needs SECRETS_KEY/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start, on a shared store, a connector whose calls could outlast a partition lease, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'long-calls-'));
    const { app } = await createHostApp({
      DATABASE_URL: await freshDatabaseUrl(),
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      DATA_DIR: dataDir,
      CONNECTORS: 'kinesis',
      KINESIS_ENDPOINT: 'http://127.0.0.1:9',
      KINESIS_REQUEST_TIMEOUT_MS: '9000',
      DELIVERY_THREAD: 'false',
      LOG_LEVEL: 'silent',
    });
    try {
      await expect(app.init()).rejects.toThrow(/connector type "kinesis" may take 11000 ms per call .* LEASE_TTL_MS \(10000\)/);
    } finally {
      await app.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on an APP_ENV it does not know, rather than run as development', async () => {
    await expect(createHostApp({ APP_ENV: 'prod', LOG_LEVEL: 'silent' })).rejects.toThrow(
      /APP_ENV must be one of production, development, got "prod"/,
    );
  });

  it('listens on loopback only, and says so, when no token is configured', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'no-tokens-'));
    const host = new HostProcess(
      await freeFixedPort(),
      { DATA_DIR: dataDir, KINESIS_ENDPOINT: 'http://127.0.0.1:9', HOST: '0.0.0.0', LOG_LEVEL: 'log' },
      { keepFullLog: true },
    );
    await host.start();
    try {
      expect(listeningAddresses(host.port)).toEqual(['127.0.0.1']);
      expect(host.logs()).toContain('listening on loopback only');
    } finally {
      await host.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps its data folder 0700 and its database files 0600: other users of the machine read no tenant data', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'modes-')), 'data');
    const host = new HostProcess(await freeFixedPort(), { DATA_DIR: dataDir, KINESIS_ENDPOINT: 'http://127.0.0.1:9', LOG_LEVEL: 'error' });
    await host.start();
    try {
      // A write, so the write-ahead log and its index exist.
      await fetch(`${host.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            { siteNumber: 1, sourceId: '5b0e3f7a-9c1d-0e2f-0a6b-7c8d9e0f1a2b', callType: 'NEW', timestamp: 1, profile: { profileId: 'p' } },
          ],
        }),
      });
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect(mode(dataDir)).toBe(0o700);
      for (const file of ['connector-host.db', 'connector-host.db-wal', 'connector-host.db-shm', 'secrets.key'])
        expect(mode(join(dataDir, file)), file).toBe(0o600);
    } finally {
      await host.kill('SIGTERM');
      rmSync(dirname(dataDir), { recursive: true, force: true });
    }
  });
});
