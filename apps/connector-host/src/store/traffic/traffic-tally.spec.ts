import { describe, expect, it } from 'vitest';
import { intakeTally } from './intake-tally.js';
import { dayOf, TrafficTally } from './traffic-tally.js';

describe('TrafficTally', () => {
  it('adds up by connector, UTC day and metric, in key order, ignoring zero counts', () => {
    const tally = new TrafficTally();
    const late = Date.parse('2026-12-03T23:59:59.999Z');
    tally.add('b', 'delivered', late);
    tally.add('a', 'delivered', late, 2);
    tally.add('a', 'delivered', late + 1);
    tally.add('a', 'retried', late, 0);
    const other = new TrafficTally();
    other.add('a', 'delivered', late, 3);
    tally.merge(other);
    expect(tally.rows()).toEqual([
      { connectorId: 'a', day: '2026-12-03', metric: 'delivered', count: 5 },
      { connectorId: 'a', day: '2026-12-04', metric: 'delivered', count: 1 },
      { connectorId: 'b', day: '2026-12-03', metric: 'delivered', count: 1 },
    ]);
  });

  it('names days in UTC', () => {
    expect(dayOf(0)).toBe('1970-01-01');
    expect(dayOf(Date.parse('2026-02-28T23:00:00-05:00'))).toBe('2026-03-01');
  });

  it("counts a group's skips for the connectors they name, not the events without a binding", () => {
    const at = Date.parse('2026-12-03T01:00:00Z');
    const tally = intakeTally([
      {
        messages: [],
        acceptedAt: at,
        skipped: [
          { connectorId: 'a', reason: 'unmapped_change' },
          { connectorId: null, reason: 'no_binding' },
        ],
      },
      { messages: [], acceptedAt: at },
    ]);
    expect(tally.rows()).toEqual([{ connectorId: 'a', day: '2026-12-03', metric: 'skipped.unmapped_change', count: 1 }]);
  });

  it('keeps maxima apart from counts: the largest message per connector and day, in UTF-8 bytes', () => {
    const at = Date.parse('2026-12-03T01:00:00Z');
    const message = (connectorId: string, body: string) => ({ connectorId, partitionKey: 'p', sourceId: null, body });
    const tally = intakeTally([
      { messages: [message('a', 'x'.repeat(10)), message('a', '東'.repeat(10)), message('b', 'y')], acceptedAt: at },
      { messages: [message('a', 'z'.repeat(20))], acceptedAt: at },
    ]);
    expect(tally.rows()).toEqual([]);
    expect(tally.maximumRows()).toEqual([
      { connectorId: 'a', day: '2026-12-03', metric: 'largest_message_bytes', count: 30 },
      { connectorId: 'b', day: '2026-12-03', metric: 'largest_message_bytes', count: 1 },
    ]);
    const other = new TrafficTally();
    other.raise('a', 'largest_message_bytes', at, 25);
    other.raise('b', 'largest_message_bytes', at, 7);
    tally.merge(other);
    expect(tally.maximumRows().map((row) => row.count)).toEqual([30, 7]);
    expect(tally.isEmpty).toBe(false);
  });
});
