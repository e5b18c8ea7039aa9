import { describe, expect, it } from 'vitest';
import type { HostConfig } from '../config/host.config.js';
import { DeliveryTrace, type TraceRow } from './delivery-trace.js';

const row = (profileId: string, at: number, sourceId = 's'): TraceRow => ({
  connectorId: 'c',
  profileId,
  sourceId,
  status: 'skipped',
  reason: 'no_binding',
  acceptedAt: at,
  at,
});
const trace = (traceMaxEntries: number, traceRetentionMs = 60_000) =>
  new DeliveryTrace({ traceMaxEntries, traceRetentionMs } as HostConfig);

describe('DeliveryTrace', () => {
  it('keeps the newest entries within both bounds, newest first, and filters them', () => {
    const ring = trace(3);
    const now = 10_000_000;
    ring.write([row('a', now - 120_000), row('b', now - 59_000, 'other'), row('c', now - 1000), row('d', now)]);
    // Four written, three kept (the count bound); 'a' is also past the retention.
    expect(ring.find({}, 10, now).map((r) => r.profileId)).toEqual(['d', 'c', 'b']);
    // Past the retention, older entries drop out of answers.
    expect(ring.find({}, 10, now + 59_500).map((r) => r.profileId)).toEqual(['d']);
    expect(ring.find({ sourceId: 'other' }, 10, now).map((r) => r.profileId)).toEqual(['b']);
    expect(ring.find({ profileId: 'c' }, 10, now).map((r) => r.profileId)).toEqual(['c']);
    expect(ring.find({}, 1, now).map((r) => r.profileId)).toEqual(['d']);
  });

  it('records nothing when turned off', () => {
    const ring = trace(0);
    ring.write([row('a', 1)]);
    expect(ring.enabled).toBe(false);
    expect(ring.find({}, 10, 1)).toEqual([]);
  });
});
