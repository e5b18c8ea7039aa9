import { describe, expect, it } from 'vitest';
import { trafficView, windowStart } from './traffic-view.js';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const C = 'c0ffee00-0000-4000-8000-000000000001';

describe('trafficView', () => {
  it('answers every day of the window, oldest first, zeros where nothing happened, with totals', () => {
    const view = trafficView(
      C,
      7,
      [
        { connectorId: C, day: '2026-11-27', metric: 'delivered', count: 4 },
        { connectorId: C, day: '2026-11-27', metric: 'delivered_removed', count: 1 },
        { connectorId: C, day: '2026-12-03', metric: 'delivered', count: 2 },
        { connectorId: C, day: '2026-12-03', metric: 'failed.invalid_credentials', count: 3 },
        { connectorId: C, day: '2026-12-03', metric: 'dead_lettered.too_large', count: 1 },
        { connectorId: C, day: '2026-12-03', metric: 'skipped.no_partner_ids', count: 5 },
        { connectorId: C, day: '2026-12-03', metric: 'retried', count: 3 },
        { connectorId: C, day: '2026-11-27', metric: 'largest_message_bytes', count: 900 },
        { connectorId: C, day: '2026-12-03', metric: 'largest_message_bytes', count: 400 },
      ],
      NOW,
    );
    expect([view.from, view.to, view.daily.length]).toEqual(['2026-11-27', '2026-12-03', 7]);
    expect(view.daily.map((day) => day.delivered)).toEqual([4, 0, 0, 0, 0, 0, 2]);
    expect(view.daily[0]).toMatchObject({ day: '2026-11-27', removed: 1 });
    expect(view.totals).toEqual({
      delivered: 6,
      removed: 1,
      retried: 3,
      skipped: { connector_disabled: 0, no_partner_ids: 5, unmapped_change: 0, other_site: 0, other_source: 0 },
      deadLettered: { invalid_credentials: 0, access_denied: 0, not_found: 0, throttled: 0, too_large: 1, other: 0 },
      failed: { invalid_credentials: 3, access_denied: 0, not_found: 0, throttled: 0, too_large: 0, other: 0 },
      // A maximum: the window's largest, not the sum of the days'.
      largestMessageBytes: 900,
    });
    expect(view.daily[6].largestMessageBytes).toBe(400);
  });

  it('leaves out days outside the window and metrics it does not know', () => {
    const view = trafficView(
      C,
      30,
      [
        { connectorId: C, day: '2026-11-03', metric: 'delivered', count: 9 },
        { connectorId: C, day: '2026-11-04', metric: 'delivered', count: 1 },
        { connectorId: C, day: '2026-11-04', metric: 'failed.solar_flare' as 'failed.other', count: 1 },
      ],
      NOW,
    );
    expect(view.from).toBe('2026-11-04');
    expect(view.totals.delivered).toBe(1);
    expect(Object.keys(view.totals.failed)).not.toContain('solar_flare');
  });

  it('starts a window of 90 days 89 days before today', () => {
    expect(windowStart(90, NOW)).toBe('2026-09-05');
    expect(windowStart(7, Date.parse('2026-12-03T23:59:59.999Z'))).toBe('2026-11-27');
  });
});
