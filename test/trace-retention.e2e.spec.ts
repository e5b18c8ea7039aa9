import { InProcessKinesalite } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceRepository, type TraceRow } from '../apps/connector-host/src/store/trace.repository.js';
import { REGION } from './support/fixtures.js';
import { TestHost } from './support/test-host.js';

let kinesis: InProcessKinesalite;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  host = await TestHost.start(kinesis.endpoint, { env: { TRACE_RETENTION_MS: '60000', TRACE_MAX_ENTRIES: '3' } });
});
afterAll(async () => {
  await host?.stop(true);
  await kinesis?.stop();
});

describe('delivery trace retention', () => {
  const row = (profileId: string, at: number, sourceId = 's'): TraceRow => ({ connectorId: 'c', profileId, sourceId, status: 'skipped', reason: 'no_binding', acceptedAt: at, at });

  it('keeps the newest entries within both bounds, newest first, and filters them', () => {
    const trace = host.app.get(TraceRepository);
    const now = 10_000_000;
    trace.write([row('a', now - 120_000), row('b', now - 59_000, 'other'), row('c', now - 1000), row('d', now)]);
    // Four written, three kept (the count bound); 'a' is also past the retention.
    expect(trace.find({}, 10, now).map((r) => r.profileId)).toEqual(['d', 'c', 'b']);
    // Past the retention, older entries drop out of answers.
    expect(trace.find({}, 10, now + 59_500).map((r) => r.profileId)).toEqual(['d']);
    expect(trace.find({ sourceId: 'other' }, 10, now).map((r) => r.profileId)).toEqual(['b']);
    expect(trace.find({ profileId: 'c' }, 10, now).map((r) => r.profileId)).toEqual(['c']);
    expect(trace.find({}, 1, now).map((r) => r.profileId)).toEqual(['d']);
  });
});
