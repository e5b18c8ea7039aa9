import { type BenchContext, type FanOutRun, deliveryWith } from './fanout.js';

/**
 * Real CDP traffic repeats profiles: activity is heavy-tailed, a few profiles post again and again while most are
 * seen once. The model draws each event's profile Zipf(s = 1.1) over 1,000,000 profiles (the same seeded sequence
 * every run); the top profile takes ~12% of the events, so one connector's drain is bounded by that profile's
 * round trips (one message of a profile in flight at a time), while many connectors spread it.
 */
export const ZIPF_PROFILES = { BENCH_ZIPF: '1.1:1000000' };

/** The same run as the unique-profile fan-out row, with profiles drawn from the Zipf model. */
export async function zipfProfiles(context: BenchContext, connectors: number, events: number): Promise<FanOutRun> {
  const run = await deliveryWith(context, connectors, events, { capSeconds: 150, loadEnv: ZIPF_PROFILES });
  context.log(`zipf profiles: ${JSON.stringify(run)}`);
  return run;
}
