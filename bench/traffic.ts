import http from 'node:http';
import { sourceIdOf } from './message-fixture.js';
import { type PlannedRequest, type ScenarioName, type ScenarioOptions, scenario } from './scenarios.js';

// Plays a timed shape of bench/scenarios.ts against a host, as the platform would post it: each request at its time,
// its events stamped with the moment they are sent (the sink times each record from that stamp to its arrival, so
// its latency is accept to delivered, intake included). At most IN_FLIGHT requests wait for an answer: a host that
// falls behind makes the schedule late (reported as `lateMs`), never a pile of open requests.
// argv: url scenarioName optionsJson

const [url, name, optionsJson = '{}'] = process.argv.slice(2);
const IN_FLIGHT = 16;
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
const target = new URL(`${url}/v1/events`);

function body({ events }: PlannedRequest): string {
  const now = Date.now();
  return JSON.stringify({
    events: events.map(({ source, profileId, callType }) => ({
      siteNumber: 1234,
      sourceId: sourceIdOf(source),
      callType,
      timestamp: now,
      profile: { profileId, partnerIds: { '33': ['4'] }, properties: { last_category: '5678' } },
    })),
  });
}

function send(payload: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
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
    request.end(payload);
  });
}

/** Posts a request until the host takes it (a 429 or 503 is tried again, restamped, after 100 ms; for a minute). */
async function post(request: PlannedRequest): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the host refused a request for a minute');
    const response = await send(body(request));
    if (response.status === 202) return (JSON.parse(response.text) as { accepted?: number }).accepted ?? 0;
    if (response.status !== 429 && response.status !== 503) throw new Error(`host answered ${response.status}: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const plan = scenario(name as ScenarioName, JSON.parse(optionsJson) as ScenarioOptions);
const started = performance.now();
const startedAt = Date.now();
let accepted = 0;
let lateMs = 0;
const inFlight = new Set<Promise<void>>();
for (const request of plan) {
  const wait = started + request.atMs - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  lateMs = Math.max(lateMs, performance.now() - started - request.atMs);
  const posting: Promise<void> = post(request).then((count) => {
    accepted += count;
    inFlight.delete(posting);
  });
  inFlight.add(posting);
}
await Promise.all(inFlight);
const seconds = (performance.now() - started) / 1000;
agent.destroy();
process.stdout.write(
  `${JSON.stringify({ accepted, requests: plan.length, startedAt, endedAt: Date.now(), seconds, rate: accepted / seconds, lateMs: Math.round(lateMs) })}\n`,
);
