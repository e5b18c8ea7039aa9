import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { sourceIdOf } from './message-fixture.js';
import { seededRandom, zipfSampler } from './zipf.js';

// Posts events to the host like the platform: batches of events, each a distinct profile with one partner id.
// argv: url mode(max|rate) arg1 arg2 batchSize
// env: BENCH_SOURCES (default 1): events go round-robin to that many audiences (the bench's connectors);
//      BENCH_HOT_SHARE (e.g. 0.9): that share goes to the first audience, the rest round-robin to the others;
//      BENCH_PROFILES (e.g. 1): events repeat that many profiles in turn, instead of a new profile each;
//      BENCH_ZIPF (e.g. 1.1:1000000): profiles drawn Zipf(s) over that many, the same sequence each run;
//      BENCH_SOURCES_ZIPF (e.g. 1.1): audiences drawn Zipf(s) over BENCH_SOURCES (tenants of Zipf sizes).
//   max  <events> <concurrency>: as fast as the host takes them
//   rate <eventsPerSecond> <seconds>: a fixed offered load; timestamp = send time, so the sink can time delivery
const [url, mode, first, second, batchArg = '100'] = process.argv.slice(2);
const batchSize = Number(batchArg);
const sources = Number(process.env.BENCH_SOURCES ?? 1);
const hotShare = Number(process.env.BENCH_HOT_SHARE ?? 0);
const profiles = Number(process.env.BENCH_PROFILES ?? 0);
const [zipfS, zipfN] = (process.env.BENCH_ZIPF ?? '').split(':').map(Number);
const zipfRank = zipfN > 0 ? zipfSampler(zipfN, zipfS, seededRandom(25)) : undefined;
const sourcesZipf = Number(process.env.BENCH_SOURCES_ZIPF ?? 0);
const sourceRank = sourcesZipf > 0 ? zipfSampler(sources, sourcesZipf, seededRandom(26)) : undefined;
const CALL_MIX = ['NEW', 'NEW', 'MODIFIED', 'MODIFIED', 'REMOVED'];
let profileTurn = 0;
const nextProfileId = () => (zipfRank ? `profile-${zipfRank()}` : profiles > 0 ? `profile-${profileTurn++ % profiles}` : randomUUID());
let sent = 0;
let rest = 0;

/** The audience of the next event: round-robin, Zipf, or the hot one for `hotShare` of the events. */
function nextSource(): string {
  const index = sent++;
  if (sources === 1) return sourceIdOf(0);
  if (sourceRank) return sourceIdOf(sourceRank());
  if (hotShare > 0) return index % 100 < hotShare * 100 ? sourceIdOf(0) : sourceIdOf(1 + (rest++ % (sources - 1)));
  return sourceIdOf(index % sources);
}

/**
 * With repeating profiles, the fewest calls that can deliver the load: a connector's busiest profile needs a call
 * per message (one message of a profile in flight at a time), and a call takes at most 500.
 */
const perConnector = zipfRank ? new Map<string, { messages: number; byProfile: Map<string, number> }>() : undefined;
function countForMinimum(sourceId: string, profileId: string): void {
  if (!perConnector) return;
  let connector = perConnector.get(sourceId);
  if (!connector) perConnector.set(sourceId, (connector = { messages: 0, byProfile: new Map() }));
  connector.messages++;
  connector.byProfile.set(profileId, (connector.byProfile.get(profileId) ?? 0) + 1);
}
/** The fewest calls, and the longest chain of one profile's messages (each waits for the one before it). */
function profileChains(): { minimumCalls: number; longestChain: number } | undefined {
  if (!perConnector) return undefined;
  let minimumCalls = 0;
  let longestChain = 0;
  for (const { messages, byProfile } of perConnector.values()) {
    let busiest = 0;
    for (const count of byProfile.values()) busiest = Math.max(busiest, count);
    minimumCalls += Math.max(Math.ceil(messages / 500), busiest);
    longestChain = Math.max(longestChain, busiest);
  }
  return { minimumCalls, longestChain };
}

function batch(size: number): string {
  const now = Date.now();
  const events = Array.from({ length: size }, () => {
    const sourceId = nextSource();
    const profileId = nextProfileId();
    countForMinimum(sourceId, profileId);
    return {
      siteNumber: 1234,
      sourceId,
      // Tenants of Zipf sizes are the realistic mix: its call types too (they cost delivery the same).
      callType: sourceRank ? CALL_MIX[(sent - 1) % CALL_MIX.length] : 'NEW',
      timestamp: now,
      profile: { profileId, partnerIds: { '33': ['4'] }, properties: { last_category: '5678' } },
    };
  });
  return JSON.stringify({ events });
}

// node:http with keep-alive, not fetch: on two cores the generator's own CPU comes out of the host's share,
// and fetch costs several times more per request (measured: ~55% of a core at 50k events/s).
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(`${url}/v1/events`);

function send(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function post(body: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the host refused a request for a minute');
    const response = await send(body);
    if (response.status === 202) return (JSON.parse(response.text) as { accepted?: number }).accepted ?? 0;
    if (response.status !== 429 && response.status !== 503) throw new Error(`host answered ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let started = performance.now();
let accepted = 0;
const latencies: number[] = [];
if (mode === 'max') {
  // Bodies are built before the clock starts, as autocannon would send them: the figure is the host's, not
  // this generator's JSON work competing for the same two cores.
  const bodies = Array.from({ length: Math.ceil(Number(first) / batchSize) }, () => batch(batchSize));
  let next = 0;
  started = performance.now();
  await Promise.all(
    Array.from({ length: Number(second) }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const sent = performance.now();
        const taken = await post(body);
        accepted += taken;
        latencies.push(performance.now() - sent);
      }
    }),
  );
} else {
  const perSecond = Number(first);
  const seconds = Number(second);
  const requestsPerSecond = perSecond / batchSize;
  const total = Math.round(requestsPerSecond * seconds);
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / requestsPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(post(batch(batchSize)).then((n) => void (accepted += n)));
  }
  await Promise.all(inFlight);
}
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
agent.destroy();
process.stdout.write(
  `${JSON.stringify({ accepted, seconds, rate: accepted / seconds, startedAt: Date.now() - seconds * 1000, postP99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? null, ...profileChains() })}\n`,
);
