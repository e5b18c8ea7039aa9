import { InProcessKinesalite } from '@app/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../apps/connector-host/src/store/database.service.js';
import { TraceRepository } from '../apps/connector-host/src/store/trace.repository.js';
import { REGION } from './support/fixtures.js';
import { TestHost } from './support/test-host.js';

let kinesis: InProcessKinesalite;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  host = await TestHost.start(kinesis.endpoint, { env: { TRACE_RETENTION_MS: '60000' } });
});
afterAll(async () => {
  await host?.stop(true);
  await kinesis?.stop();
});

describe('delivery trace retention', () => {
  it('purges exactly the rows older than the retention, oldest first', () => {
    const trace = host.app.get(TraceRepository);
    const now = 10_000_000;
    const row = (profileId: string, at: number) => ({ connectorId: null, profileId, sourceId: 's', status: 'skipped' as const, reason: 'no_binding', acceptedAt: at, at });
    trace.write([row('old-1', now - 120_000), row('old-2', now - 61_000), row('kept-1', now - 59_000), row('kept-2', now)]);
    expect(trace.purge(now)).toBe(2);
    const left = host.app.get(DatabaseService).sqlite.prepare('SELECT profile_id FROM delivery_trace ORDER BY id').all() as { profile_id: string }[];
    expect(left.map((r) => r.profile_id)).toEqual(['kept-1', 'kept-2']);
    expect(trace.purge(now + 120_000)).toBe(2);
    expect(trace.purge(now + 120_000)).toBe(0);
  });
});
