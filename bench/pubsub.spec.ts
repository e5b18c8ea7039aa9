import { describe, expect, it } from 'vitest';
import { pubsubSummaryRows, pubsubTargets } from './pubsub.js';

describe('the Pub/Sub rows of the bench table', () => {
  const run = (label: string, eventsPerSecond: number) => ({ label, events: 100, delivered: 100, eventsPerSecond, hostCpuUsPerEvent: 400 });

  it('pairs each host run with the peer run beside it, and judges the median ratio against its goal', () => {
    const rows = {
      peer: { recordsPerSecond: 2000, pairs: [2000, 2100] },
      host: [run('pair 1', 1800), run('pair 2', 1500), run('Zipf profiles', 1200)],
      hostToPeer: 0.807,
    };
    expect(pubsubSummaryRows(rows)[0][1]).toBe('1800 / 2000, 1500 / 2100; 0.807');
    expect(pubsubSummaryRows(rows).map(([label]) => label)).toHaveLength(4);
    expect(pubsubTargets(rows)).toEqual([["Pub/Sub emulator: host / Google's client in a user's loop", 0.807, '>= 0.8', true]]);
    expect(pubsubTargets({ ...rows, hostToPeer: 0.79 })[0][3]).toBe(false);
  });

  it('says why there are none where the emulator is absent, and sets no target', () => {
    const skipped = { skipped: 'Pub/Sub emulator absent' };
    expect(pubsubSummaryRows(skipped)).toEqual([['Pub/Sub rows', 'skipped: Pub/Sub emulator absent']]);
    expect(pubsubTargets(skipped)).toEqual([]);
  });
});
