import { type BenchContext, type FanOutRun, deliveryWith } from './fanout.js';
import { type ShapeRun, playShape } from './shape-run.js';

/**
 * Real CDP traffic repeats profiles: activity is heavy-tailed, a few profiles post again and again while most are
 * seen once. The model draws each event's profile Zipf(s = 1.1) over 1,000,000 profiles (the same seeded sequence
 * every run); the top profile takes ~12% of the events, so one connector's drain is bounded by that profile's
 * round trips (one message of a profile in flight at a time), while many connectors spread it.
 */
export const ZIPF_PROFILES = { BENCH_ZIPF: '1.1:1000000' };
/** The realistic mix: Zipf profiles, and tenants whose sizes are Zipf(1.1) too (a few big ones, a long tail). */
export const REALISTIC_MIX = { ...ZIPF_PROFILES, BENCH_SOURCES_ZIPF: '1.1' };

/** What the real-traffic rows measured, each shape beside its unique-profile equivalent. */
export interface RealTraffic {
  /** 1 connector, Zipf profiles, as fast as the host takes them. */
  zipfOne: FanOutRun;
  /** The realistic mix at many connectors, as fast as the host takes it: at once and at 25 ms per call. */
  mix: FanOutRun;
  mixSlow: FanOutRun;
  /** The realistic mix offered steadily at half of the capacity just measured: latency. */
  mixHalf: ShapeRun;
  mixSlowHalf: ShapeRun;
  /** [shape, its unique-profile equivalent] */
  burst: [ShapeRun, ShapeRun];
  journeys: [ShapeRun, ShapeRun];
  storm: [ShapeRun, ShapeRun];
}

export async function realTraffic(context: BenchContext, scale: number, connectors: number, events: number): Promise<RealTraffic> {
  const zipfOne = await deliveryWith(context, 1, events, { capSeconds: 150, loadEnv: ZIPF_PROFILES });
  const mixAt = (delayMs: number) => deliveryWith(context, connectors, events, { delayMs, capSeconds: 150, loadEnv: REALISTIC_MIX });
  const mix = await mixAt(0);
  const mixSlow = await mixAt(25);
  const seconds = Math.round(20 * Math.max(scale, 0.25));
  const half = (run: FanOutRun) =>
    playShape(context, 'realistic-mix', { connectors, delayMs: run.delayMs, perSecond: Math.round(run.eventsPerSecond / 2), seconds });
  const mixHalf = await half(mix);
  const mixSlowHalf = await half(mixSlow);
  const pair = async (shape: Parameters<typeof playShape>[1], options: Parameters<typeof playShape>[2]): Promise<[ShapeRun, ShapeRun]> => [
    await playShape(context, shape, options),
    await playShape(context, shape, { ...options, unique: true }),
  ];
  const burst = await pair('audience-burst', { profiles: Math.round(100_000 * scale) });
  const journeys = await pair('journey-bursts', { perSecond: 5000, seconds: Math.round(10 * Math.max(scale, 0.3)) });
  const storm = await pair('modified-storm', { profiles: 240, perSecond: 3000, seconds: Math.round(24 * Math.max(scale, 0.25)) });
  return { zipfOne, mix, mixSlow, mixHalf, mixSlowHalf, burst, journeys, storm };
}
