import { describe, expect, it } from 'vitest';
import { type PlannedRequest, scenario } from './scenarios.js';

const events = (plan: PlannedRequest[]) => plan.flatMap((request) => request.events);
const isInTimeOrder = (plan: PlannedRequest[]) => plan.every((request, i) => i === 0 || plan[i - 1].atMs <= request.atMs);

describe('the bench traffic shapes', () => {
  it('an audience burst: every member enters within the first second, then leaves within the next, in order', () => {
    const plan = scenario('audience-burst', { profiles: 2000 });
    const all = events(plan);
    expect(all).toHaveLength(4000);
    expect(isInTimeOrder(plan)).toBe(true);
    const entering = plan.filter((request) => request.atMs < 1000).flatMap((request) => request.events);
    expect(entering.every((event) => event.callType === 'NEW')).toBe(true);
    expect(new Set(entering.map((event) => event.profileId)).size).toBe(2000);
    const leaving = plan.filter((request) => request.atMs >= 1000 && request.atMs < 2000).flatMap((request) => request.events);
    expect(leaving.map((event) => event.profileId)).toEqual(entering.map((event) => event.profileId));
    expect(leaving.every((event) => event.callType === 'REMOVED')).toBe(true);
  });

  it('journey bursts: 5 messages per profile within 100 ms, NEW then MODIFIED, never two of a profile in one request', () => {
    const plan = scenario('journey-bursts', { perSecond: 500, seconds: 2 });
    expect(events(plan)).toHaveLength(1000);
    const times = new Map<string, number[]>();
    for (const { atMs, events: posted } of plan) {
      expect(new Set(posted.map((event) => event.profileId)).size).toBe(posted.length);
      for (const event of posted) times.set(event.profileId, [...(times.get(event.profileId) ?? []), atMs]);
    }
    expect(times.size).toBe(200);
    for (const steps of times.values()) {
      expect(steps).toHaveLength(5);
      expect(steps[4] - steps[0]).toBeLessThanOrEqual(100);
    }
    expect(events(plan).filter((event) => event.callType === 'NEW')).toHaveLength(200);
  });

  it('a MODIFIED storm: the given profiles share the rate evenly for the given time', () => {
    const plan = scenario('modified-storm', { profiles: 24, perSecond: 300, seconds: 2 });
    const all = events(plan);
    expect(all).toHaveLength(600);
    expect(plan.at(-1)!.atMs).toBeLessThan(2000);
    const counts = new Map<string, number>();
    for (const event of all) counts.set(event.profileId, (counts.get(event.profileId) ?? 0) + 1);
    expect([...counts.values()]).toEqual(Array(24).fill(25));
  });

  it('the realistic mix: connectors and profiles heavy-tailed, the same sequence every run', () => {
    const options = { perSecond: 20_000, seconds: 1, connectors: 1000 };
    const plan = scenario('realistic-mix', options);
    expect(plan.map((request) => request.events.length)).toEqual(Array(40).fill(500));
    const all = events(plan);
    const share = (key: (event: (typeof all)[number]) => string | number, value: string | number) =>
      all.filter((event) => key(event) === value).length / all.length;
    // Zipf(1.1): the top connector takes ~17% over 1,000, the top profile ~12% over 1,000,000.
    expect(share((event) => event.source, 0)).toBeGreaterThan(0.12);
    expect(share((event) => event.profileId, 'profile-0')).toBeGreaterThan(0.08);
    expect(new Set(all.map((event) => event.source)).size).toBeGreaterThan(300);
    expect(events(scenario('realistic-mix', options))).toEqual(all);
  });

  it("a shape's unique-profile equivalent keeps its times and sizes, with no profile twice", () => {
    const shaped = scenario('modified-storm', { perSecond: 300, seconds: 1 });
    const unique = scenario('modified-storm', { perSecond: 300, seconds: 1, unique: true });
    expect(unique.map((request) => [request.atMs, request.events.length])).toEqual(
      shaped.map((request) => [request.atMs, request.events.length]),
    );
    expect(new Set(events(unique).map((event) => event.profileId)).size).toBe(300);
  });
});
