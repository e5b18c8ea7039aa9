import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InProcessKinesalite, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisConnector, REGION } from '../support/fixtures.js';
import { HostProcess } from '../faults/support/host-process.js';
import { freeFixedPort } from '../support/free-port.js';
import { TestHost } from '../support/test-host.js';

const ROTATE = resolve('dist/apps/connector-host/rotate-key.js');
let kinesis: InProcessKinesalite;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await kinesis.createStream('rotation', 1);
});
afterAll(async () => {
  await kinesis?.stop();
});

describe('npm run rotate-key (development key file)', () => {
  it('re-seals every secret under a new key; the host still opens them, and the old key alone no longer does', async () => {
    const first = await TestHost.start(kinesis.endpoint);
    const connector = (await first.request('POST', '/v1/connectors', kinesisConnector('rotation'))).body;
    await first.stop();
    const keyFile = join(first.dataDir, 'secrets.key');
    const oldKey = readFileSync(keyFile, 'utf8');
    const sealedBefore = JSON.parse(readSecrets(first.dataDir, connector.id));

    const output = execFileSync(process.execPath, [ROTATE], {
      env: { PATH: process.env.PATH, DATA_DIR: first.dataDir, NODE_NO_WARNINGS: '1', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(output).toMatch(/re-sealed 1 of 1 connectors' secrets under key [0-9a-f]{12}/);
    expect(readFileSync(keyFile, 'utf8')).not.toBe(oldKey);
    expect(readFileSync(`${keyFile}.previous`, 'utf8')).toBe(oldKey);
    const sealedAfter = JSON.parse(readSecrets(first.dataDir, connector.id));
    expect(sealedAfter.kid).not.toBe(sealedBefore.kid);
    expect(JSON.stringify(sealedAfter)).not.toContain(TEST_SECRET_ACCESS_KEY);

    const second = await TestHost.start(kinesis.endpoint, { dataDir: first.dataDir });
    try {
      expect((await second.request('POST', `/v1/connectors/${connector.id}/check`)).body.ok).toBe(true);
    } finally {
      await second.stop(true);
    }
  });
});

describe('rotation beside a running host', () => {
  it('refuses to run npm run rotate-key while a host runs on the data folder (the host holds only its old key)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rotate-beside-'));
    const running = new HostProcess(await freeFixedPort(), { DATA_DIR: dataDir, KINESIS_ENDPOINT: kinesis.endpoint, LOG_LEVEL: 'error' });
    await running.start();
    try {
      const keyFile = join(dataDir, 'secrets.key');
      const keyBefore = readFileSync(keyFile, 'utf8');
      let refusal = '';
      try {
        execFileSync(process.execPath, [ROTATE], {
          env: { PATH: process.env.PATH, DATA_DIR: dataDir, NODE_NO_WARNINGS: '1', LOG_LEVEL: 'silent' },
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch (error) {
        refusal = String((error as { stderr?: string }).stderr);
      }
      expect(refusal).toMatch(/A host \(pid \d+\) is running on .*: it holds only the key it started with/);
      expect(readFileSync(keyFile, 'utf8')).toBe(keyBefore);
      // The running host still opens its secrets.
      expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
    } finally {
      await running.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function readSecrets(dataDir: string, id: string): string {
  const output = execFileSync(
    process.execPath,
    [
      '-e',
      `
    const db = require(${JSON.stringify(resolve('node_modules/better-sqlite3'))})(process.argv[1], { readonly: true });
    process.stdout.write(db.prepare('SELECT secrets FROM connectors WHERE id = ?').get(process.argv[2]).secrets);
  `,
      join(dataDir, 'connector-host.db'),
      id,
    ],
    { encoding: 'utf8' },
  );
  return output;
}
