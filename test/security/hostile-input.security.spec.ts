import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { InProcessKinesalite, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostProcess } from '../faults/support/host-process.js';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from '../support/fixtures.js';
import { freeFixedPort } from '../support/free-port.js';

/** The host's body limit in this suite: bodies above it must get 413. */
const MAX_BODY_BYTES = 262_144;

// At least 10,000 malformed, oversized, deeply nested, wrongly typed and boundary-value requests against
// every route of the built host. Each must get a 4xx (never a 5xx), leave the process alive and leave the
// store exactly as it was. Then the host's whole log and its database files are searched for every secret.

const ADMIN = 'hostile-admin-token-0123456789';
const INGEST = 'hostile-ingest-token-012345678';
const OTHER_SECRET = 'Zq9/Xw8+Vu7=Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa';
const SECRETS = [TEST_SECRET_ACCESS_KEY, OTHER_SECRET, ADMIN, INGEST];
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MAX_INT32 = 2_147_483_647;

interface HostileRequest {
  route: string;
  method: string;
  path: string;
  token?: string;
  body?: string;
  contentType?: string;
}

let kinesis: InProcessKinesalite;
let host: HostProcess;
let dataDir: string;
let store: SQLite.Database;
let connectorId: string;
let sourceId: string;
const counts = new Map<string, { tried: number; statuses: Map<number, number> }>();

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await kinesis.createStream('hostile', 1);
  dataDir = mkdtempSync(join(tmpdir(), 'hostile-'));
  host = new HostProcess(
    await freeFixedPort(),
    {
      DATA_DIR: dataDir,
      KINESIS_ENDPOINT: kinesis.endpoint,
      LOG_LEVEL: 'verbose',
      ADMIN_TOKENS: ADMIN,
      INGEST_TOKENS: INGEST,
      ADMIN_RATE_LIMIT_PER_MINUTE: '10000000',
      MAX_EVENTS_PER_REQUEST: '100',
      MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    },
    { keepFullLog: true },
  );
  await host.start();
  const send = (method: string, path: string, token: string, body: unknown) =>
    fetch(host.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<any>);
  connectorId = (await send('POST', '/v1/connectors', ADMIN, kinesisConnector('hostile'))).id;
  await send('PATCH', `/v1/connectors/${connectorId}`, ADMIN, { settings: { secretAccessKey: OTHER_SECRET } });
  sourceId = (await send('POST', '/v1/bindings', ADMIN, audienceBinding(connectorId))).source.id;
  store = new SQLite(join(dataDir, 'connector-host.db'), { readonly: true });
}, 60_000);

afterAll(async () => {
  store?.close();
  await host?.kill('SIGTERM');
  await kinesis?.stop();
  const rows = [...counts.entries()].map(
    ([route, { tried, statuses }]) =>
      `| ${route.padEnd(44)} | ${String(tried).padStart(6)} | ${[...statuses.entries()]
        .sort()
        .map(([status, n]) => `${status}×${n}`)
        .join(' ')}`,
  );
  const total = [...counts.values()].reduce((sum, entry) => sum + entry.tried, 0);
  console.log(
    `\nHostile requests by route (all answered 4xx, store unchanged)\n| route                                        |  tried | statuses\n${rows.join('\n')}\n| total                                        | ${String(total).padStart(6)} |\n`,
  );
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Everything the requests could change, as one string. */
function storeDigest(): string {
  const one = (sql: string) => JSON.stringify(store.prepare(sql).all());
  return [
    one('SELECT id, name, partner_number, settings, secrets, enabled, updated_at, paused_reason FROM connectors ORDER BY id'),
    one('SELECT id, connector_id, source_id, profile_variables, properties FROM bindings ORDER BY id'),
    one('SELECT count(*) AS n, max(seq) AS s FROM outbox_chunks'),
    one('SELECT count(*) AS n, max(id) AS m FROM dead_letters'),
    one('SELECT count(*) AS n FROM idempotency_keys'),
  ].join('\n');
}

async function fire(request: HostileRequest): Promise<number> {
  const headers: Record<string, string> = {};
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const status = await send(request, headers);
  const entry = counts.get(request.route) ?? { tried: 0, statuses: new Map() };
  entry.tried++;
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  counts.set(request.route, entry);
  return status;
}

/**
 * The status a request got. A body over the limit is refused with 413 and the connection closed: when the refusal
 * lands while the client is still uploading, the client sees EPIPE or a reset instead of the answer, which is the
 * same refusal (seen once in a few hundred thousand requests here).
 */
async function send(request: HostileRequest, headers: Record<string, string>): Promise<number> {
  try {
    const response = await fetch(host.url + request.path, { method: request.method, headers, body: request.body });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const code = ((error as { cause?: { code?: string } }).cause ?? {}).code;
    const oversized = request.body !== undefined && Buffer.byteLength(request.body) > MAX_BODY_BYTES;
    if (oversized && (code === 'EPIPE' || code === 'ECONNRESET')) return 413;
    throw error;
  }
}

// ---- values that are wrong for a field, whatever fast-check draws ----

const anyJson = fc.jsonValue({ maxDepth: 3 });
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(anyJson, { maxLength: 3 }),
  fc.dictionary(fc.string(), anyJson, { maxKeys: 3 }),
);
const notAnInteger = fc.oneof(
  fc.double().filter((n) => !Number.isInteger(n)),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const badPositiveInt = fc.oneof(
  notAnInteger,
  fc.integer({ max: 0 }),
  fc.integer({ min: 1, max: 1_000_000_000 }).map((n) => MAX_INT32 + n),
  fc.constantFrom(0, -1, MAX_INT32 + 1, Number.MAX_SAFE_INTEGER, 1e300),
);
const longString = (min: number) => fc.string({ minLength: min, maxLength: min + 300 });
const badName = fc.oneof(notAString, fc.constant(''), longString(201));
const badUuid = fc.oneof(
  notAString,
  fc.string({ maxLength: 60 }).filter((s) => !UUID.test(s)),
  fc.constant(''),
);
const notAnObject = fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.array(anyJson, { maxLength: 3 }));
const deeplyNested = fc.integer({ min: 50, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const deepObject = fc.integer({ min: 20, max: 200 }).map((depth) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
});

/** A copy of `base` with `path` set to `value` (or removed when value is undefined). */
function withField(base: unknown, path: readonly string[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, any>;
  let node = copy;
  for (const part of path.slice(0, -1)) node = node[part];
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const garbageBody = fc.oneof(
  fc.string({ maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  deeplyNested,
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '"string"',
    '123',
    'true',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ),
);

function connectorBodies(): fc.Arbitrary<unknown> {
  const base = kinesisConnector('hostile');
  const settingsBase = base.settings;
  const fieldBreak = fc.oneof(
    fc.tuple(
      fc.constant(['type']),
      fc.oneof(
        notAString,
        fc.constant(''),
        fc.string({ maxLength: 20 }).filter((s) => s !== 'kinesis'),
      ),
    ),
    fc.tuple(fc.constant(['siteNumber']), badPositiveInt),
    fc.tuple(fc.constant(['name']), badName),
    fc.tuple(fc.constant(['partnerNumber']), badPositiveInt),
    fc.tuple(fc.constant(['settings']), notAnObject),
    fc.tuple(fc.constant(['enabled']), fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.object({ maxDepth: 1 }))),
    fc.tuple(fc.constantFrom(['type'], ['siteNumber'], ['name'], ['partnerNumber'], ['settings']), fc.constant(undefined)),
    fc.tuple(
      fc.constant(['settings', 'accessKeyId']),
      fc.oneof(
        notAString,
        fc.string({ maxLength: 40 }).filter((s) => !/^[A-Z0-9]{16,128}$/.test(s)),
      ),
    ),
    fc.tuple(
      fc.constant(['settings', 'secretAccessKey']),
      fc.oneof(
        notAString,
        fc.string({ maxLength: 60 }).filter((s) => !/^[A-Za-z0-9/+=]{40}$/.test(s)),
      ),
    ),
    fc.tuple(
      fc.constant(['settings', 'region']),
      fc.oneof(
        notAString,
        fc.string({ maxLength: 30 }).filter((s) => !/^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/.test(s)),
      ),
    ),
    fc.tuple(
      fc.constant(['settings', 'streamName']),
      fc.oneof(
        notAString,
        fc.constant(''),
        longString(129),
        fc.string({ maxLength: 30 }).filter((s) => !/^[a-zA-Z0-9_.-]{1,128}$/.test(s)),
      ),
    ),
    fc.tuple(
      fc.constantFrom(['settings', 'accessKeyId'], ['settings', 'secretAccessKey'], ['settings', 'region'], ['settings', 'streamName']),
      fc.constant(undefined),
    ),
    fc.tuple(
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((k) => !(k in base))
        .map((k) => [k]),
      anyJson,
    ),
    fc.tuple(
      fc
        .string({ minLength: 1, maxLength: 12 })
        .filter((k) => !(k in settingsBase) && k !== '__proto__')
        .map((k) => ['settings', k]),
      anyJson,
    ),
  );
  return fc.oneof(
    fieldBreak.map(([path, value]) => withField(base, path as string[], value)),
    notAnObject,
    deepObject.map((nested) => ({ ...base, settings: nested })),
  );
}

function patchBodies(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.record({ name: badName }),
    fc.record({ partnerNumber: badPositiveInt }),
    fc.record({ enabled: fc.oneof(fc.integer(), fc.string(), fc.constant(null)) }),
    fc.record({ settings: notAnObject.filter((v) => v !== null) }),
    fc.record({
      settings: fc.record({
        region: fc.oneof(
          notAString,
          fc.string({ maxLength: 20 }).filter((s) => !/^[a-z]{2,4}(-[a-z]+){1,3}-\d{1,2}$/.test(s)),
        ),
      }),
    }),
    // A new access key id without its secret.
    fc.constant({ settings: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE' } }),
    fc.record({ type: fc.string() }),
    fc.record({ siteNumber: fc.integer() }),
    fc
      .string({ minLength: 1, maxLength: 10 })
      .filter((k) => !['name', 'partnerNumber', 'enabled', 'settings'].includes(k) && k !== '__proto__')
      .map((k) => ({ [k]: 1 })),
    notAnObject,
  );
}

function bindingBodies(): fc.Arbitrary<unknown> {
  const base = audienceBinding('00000000-0000-4000-8000-000000000000');
  const live = () => ({ ...base, connectorId });
  const vars = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `v${i}`, property: `p${i}` }));
  return fc.oneof(
    fc.tuple(fc.constant(['connectorId']), badUuid).map(([p, v]) => withField(live(), p, v)),
    fc.uuid().map((id) => ({ ...base, connectorId: id })), // no such connector
    fc.tuple(fc.constant(['source']), notAnObject).map(([p, v]) => withField(live(), p, v)),
    fc
      .tuple(
        fc.constant(['source', 'type']),
        fc.oneof(
          notAString,
          fc.string().filter((s) => s !== 'audience' && s !== 'journey'),
        ),
      )
      .map(([p, v]) => withField(live(), p, v)),
    fc.tuple(fc.constant(['source', 'id']), badUuid).map(([p, v]) => withField(live(), p, v)),
    fc
      .tuple(
        fc.constant(['source', 'number']),
        fc.oneof(
          badPositiveInt.filter((v) => v !== null),
          fc.constant(undefined),
        ),
      )
      .map(([p, v]) => withField(live(), p, v)),
    fc.tuple(fc.constant(['source', 'name']), badName).map(([p, v]) => withField(live(), p, v)),
    fc
      .integer({ min: 1, max: MAX_INT32 })
      .map((number) => ({ ...live(), source: { type: 'journey', id: randomUUID(), name: 'j', number } })),
    fc
      .tuple(
        fc.constant(['sourceName']),
        fc.oneof(
          notAString.filter((v) => v !== null),
          longString(201),
        ),
      )
      .map(([p, v]) => withField(live(), p, v)),
    fc.integer({ min: 11, max: 200 }).map((n) => ({ ...live(), profileVariables: vars(n) })),
    fc
      .integer({ min: 11, max: 200 })
      .map((n) => ({ ...live(), properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) })),
    fc.constant({
      ...live(),
      profileVariables: [
        { name: 'same', property: 'a' },
        { name: 'same', property: 'b' },
      ],
    }),
    fc
      .oneof(
        notAnObject.filter((v) => !(Array.isArray(v) && v.length === 0)),
        fc.array(fc.record({ name: notAString, property: fc.string() }), { minLength: 1, maxLength: 3 }),
      )
      .map((v) => ({ ...live(), profileVariables: v })),
    fc
      .oneof(
        fc.array(anyJson, { maxLength: 3 }),
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 5 }),
          fc.oneof(fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 }), fc.array(fc.integer(), { maxLength: 2 })),
          { minKeys: 1, maxKeys: 5 },
        ),
      )
      .map((v) => ({ ...live(), properties: v })),
    notAnObject,
  );
}

function eventBodies(): fc.Arbitrary<unknown> {
  const event = () => profileEvent(sourceId);
  const one = (path: string[], value: fc.Arbitrary<unknown>) => value.map((v) => ({ events: [event(), withField(event(), path, v)] }));
  return fc.oneof(
    one(['siteNumber'], fc.oneof(badPositiveInt, fc.constant(undefined))),
    one(['sourceId'], fc.oneof(badUuid, fc.constant(undefined))),
    one(
      ['callType'],
      fc.oneof(
        notAString,
        fc.string().filter((s) => !['NEW', 'MODIFIED', 'REMOVED'].includes(s)),
        fc.constant(undefined),
      ),
    ),
    one(['timestamp'], fc.oneof(notAnInteger, fc.integer({ max: -1 }), fc.constant(8.64e15 + 1), fc.constant(undefined))),
    one(['profile'], fc.oneof(notAnObject, fc.constant(undefined))),
    one(['profile', 'profileId'], fc.oneof(notAString, fc.constant(''), longString(257), fc.constant(undefined))),
    one(['profile', 'partnerIds'], notAnObject),
    one(
      ['profile', 'partnerIds', '33'],
      fc.oneof(
        notAnObject.filter((v) => !Array.isArray(v)),
        fc.array(notAString, { minLength: 1, maxLength: 3 }),
        fc.array(fc.constant(''), { minLength: 1, maxLength: 2 }),
        fc.array(longString(257), { minLength: 1, maxLength: 1 }),
        fc.constant(Array.from({ length: 101 }, (_, i) => String(i))),
      ),
    ),
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((k) => !/^[1-9][0-9]{0,9}$/.test(k) && k !== '__proto__')
      .map((k) => ({ events: [withField(event(), ['profile', 'partnerIds'], { [k]: ['1'] })] })),
    one(
      ['profile', 'properties'],
      notAnObject.filter((v) => v !== null),
    ),
    one(
      ['profile', 'properties', 'nested'],
      fc.oneof(
        fc.object({ maxDepth: 2 }),
        fc.array(fc.integer(), { maxLength: 3 }),
        longString(65_537).map((s) => s.slice(0, 65_600)),
      ),
    ),
    one(
      ['changedProperties'],
      fc.oneof(
        notAnObject.filter((v) => !Array.isArray(v) && v !== null),
        fc.array(notAString, { minLength: 1, maxLength: 3 }),
        fc.constant(null),
      ),
    ),
    fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((k) => !['siteNumber', 'sourceId', 'callType', 'timestamp', 'profile', 'changedProperties'].includes(k) && k !== '__proto__')
      .map((k) => ({ events: [{ ...event(), [k]: 1 }] })),
    fc.integer({ min: 101, max: 300 }).map((n) => ({ events: Array.from({ length: n }, event) })),
    fc.constant({ events: [] }),
    fc.record({ events: notAnObject.filter((v) => !Array.isArray(v)) }),
    fc.constant({}),
    fc.record({ events: fc.constant([]), extra: anyJson }),
    deepObject.map((nested) => ({ events: [withField(event(), ['profile', 'properties'], { deep: nested })] })),
  );
}

const badListQuery = fc.oneof(
  fc.constantFrom(
    'siteNumber=0',
    'siteNumber=-5',
    'siteNumber=abc',
    'siteNumber=1.5',
    `siteNumber=${MAX_INT32 + 1}`,
    'connectorId=not-a-uuid',
    'sourceId=123',
    'unknown=1',
  ),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((s) => !UUID.test(s))
    .map((s) => `connectorId=${encodeURIComponent(s)}`),
);

async function run(name: string, runs: number, arbitrary: fc.Arbitrary<HostileRequest>): Promise<void> {
  const before = storeDigest();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (request) => {
      const status = await fire(request);
      if (status < 400 || status >= 500)
        throw new Error(`${request.method} ${request.path} answered ${status} to ${request.body?.slice(0, 300)}`);
      const after = storeDigest();
      if (after !== before) throw new Error(`${request.method} ${request.path} changed the store with ${request.body?.slice(0, 300)}`);
    }),
    { numRuns: runs, seed: 20261128, endOnFailure: true },
  );
  expect((await fetch(`${host.url}/health/live`)).status, `${name}: the host is alive`).toBe(200);
}

const json = (value: unknown) => JSON.stringify(value);
const body = (arbitrary: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 9, arbitrary: arbitrary.map(json) }, { weight: 1, arbitrary: garbageBody });

describe('hostile input', { timeout: 600_000 }, () => {
  it('POST /v1/connectors: 1500 broken set-ups', async () => {
    await run(
      'connectors',
      1500,
      body(connectorBodies()).map((b) => ({ route: 'POST /v1/connectors', method: 'POST', path: '/v1/connectors', token: ADMIN, body: b })),
    );
  });

  it('PATCH /v1/connectors/:id: 1000 broken changes', async () => {
    await run(
      'patch',
      1000,
      body(patchBodies()).map((b) => ({
        route: 'PATCH /v1/connectors/:id',
        method: 'PATCH',
        path: `/v1/connectors/${connectorId}`,
        token: ADMIN,
        body: b,
      })),
    );
  });

  it('connector and binding routes with malformed or unknown ids: 1200', async () => {
    const id = fc.oneof(
      fc.uuid(),
      fc
        .string({ minLength: 1, maxLength: 80 })
        .filter((s) => !s.includes('/') && !s.includes('?') && !s.includes('#'))
        .map(encodeURIComponent),
    );
    const requests = fc
      .tuple(
        id,
        fc.constantFrom(
          ['GET', '/v1/connectors/:id'],
          ['DELETE', '/v1/connectors/:id'],
          ['POST', '/v1/connectors/:id/check'],
          ['POST', '/v1/connectors/:id/resume'],
          ['GET', '/v1/connectors/:id/dead-letters'],
          ['GET', '/v1/bindings/:id'],
          ['DELETE', '/v1/bindings/:id'],
          ['PATCH', '/v1/connectors/:id'],
        ),
      )
      .map(([value, [method, route]]) => ({
        route: `${method} ${route} (bad id)`,
        method,
        path: route.replace(':id', value),
        token: ADMIN,
        ...(method === 'PATCH' ? { body: '{"name":"x"}' } : {}),
      }));
    await run('ids', 1200, requests);
  });

  it('POST /v1/bindings: 1500 broken bindings', async () => {
    await run(
      'bindings',
      1500,
      body(bindingBodies()).map((b) => ({ route: 'POST /v1/bindings', method: 'POST', path: '/v1/bindings', token: ADMIN, body: b })),
    );
  });

  it('POST /v1/events: 3000 broken batches, oversized and nested ones included', async () => {
    const oversized = fc
      .integer({ min: 262_145, max: 600_000 })
      .map((size) => json({ events: [withField(profileEvent(sourceId), ['profile', 'properties'], { blob: 'x'.repeat(size) })] }));
    const arbitrary = fc.oneof({ weight: 20, arbitrary: body(eventBodies()) }, { weight: 1, arbitrary: oversized });
    await run(
      'events',
      3000,
      arbitrary.map((b) => ({ route: 'POST /v1/events', method: 'POST', path: '/v1/events', token: INGEST, body: b })),
    );
  });

  it('queries, dead letters and replays: 1000', async () => {
    const requests = fc.oneof(
      badListQuery
        .map((q) => ({ route: 'GET /v1/connectors?…', method: 'GET', path: `/v1/connectors?${q}`, token: ADMIN }))
        .filter((r) => !r.path.includes('connectorId') && !r.path.includes('sourceId')),
      badListQuery.map((q) => ({ route: 'GET /v1/bindings?…', method: 'GET', path: `/v1/bindings?${q}`, token: ADMIN })),
      fc
        .oneof(badListQuery, fc.constant(''), fc.constantFrom('profileId=' + 'p'.repeat(300), 'limit=0', 'limit=501', 'limit=x'))
        .map((q) => ({ route: 'GET /v1/deliveries?…', method: 'GET', path: `/v1/deliveries?${q}`, token: ADMIN }))
        .filter((r) => !/connectorId=[0-9a-f-]{36}$/.test(r.path)),
      fc.constantFrom('limit=0', 'limit=1001', 'limit=-1', 'limit=abc', 'after=-1', 'after=x', 'extra=1').map((q) => ({
        route: 'GET /v1/connectors/:id/dead-letters?…',
        method: 'GET',
        path: `/v1/connectors/${connectorId}/dead-letters?${q}`,
        token: ADMIN,
      })),
      fc
        .oneof(
          fc.record({
            ids: fc.oneof(
              fc.constant([]),
              fc.array(
                fc.oneof(
                  fc.integer({ max: 0 }),
                  fc.double().filter((n) => !Number.isInteger(n)),
                  fc.string(),
                ),
                { minLength: 1, maxLength: 5 },
              ),
              notAnObject.filter((v) => !Array.isArray(v) && v !== null),
            ),
          }),
          fc.record({ unknown: anyJson }),
        )
        .map((b) => ({
          route: 'POST /v1/connectors/:id/dead-letters/replay',
          method: 'POST',
          path: `/v1/connectors/${connectorId}/dead-letters/replay`,
          token: ADMIN,
          body: json(b),
        })),
      fc.constantFrom('strict=yes', 'strict=1', 'strict=').map((q) => ({
        route: 'POST /v1/connectors?strict=…',
        method: 'POST',
        path: `/v1/connectors?${q}`,
        token: ADMIN,
        body: json(kinesisConnector('hostile')),
      })),
    );
    await run('queries', 1000, requests);
  });

  it('every route without a token, with a wrong one, or with the other scope: 800', async () => {
    const routes = [
      ['GET', '/v1/connectors', ADMIN],
      ['POST', '/v1/connectors', ADMIN],
      ['GET', '/v1/connector-types', ADMIN],
      ['GET', '/v1/bindings', ADMIN],
      ['POST', '/v1/bindings', ADMIN],
      ['GET', '/v1/deliveries?profileId=x', ADMIN],
      ['POST', '/v1/admin/rotate-secrets', ADMIN],
      ['POST', '/v1/events', INGEST],
      ['DELETE', '/v1/connectors/:id', ADMIN],
      ['POST', '/v1/connectors/:id/dead-letters/replay', ADMIN],
    ] as const;
    const token = (right: string) =>
      fc.oneof(
        fc.constant(undefined),
        fc.string({ minLength: 1, maxLength: 60 }).filter((t) => t !== ADMIN && t !== INGEST && /^[\x21-\x7e]+$/.test(t)),
        fc.constant(right === ADMIN ? INGEST : ADMIN),
      );
    const requests = fc.constantFrom(...routes).chain(([method, path, right]) =>
      token(right).map((t) => ({
        route: `${method} ${path.split('?')[0]} (auth)`,
        method,
        path: path.replace(':id', connectorId),
        token: t,
        ...(method === 'POST'
          ? {
              body:
                path === '/v1/events'
                  ? json({ events: [profileEvent(sourceId)] })
                  : json(path === '/v1/connectors' ? kinesisConnector('hostile') : {}),
            }
          : {}),
      })),
    );
    await run('auth', 800, requests);
  });

  it('leaves no secret in the logs or the database files', async () => {
    await host.kill('SIGTERM');
    const total = [...counts.values()].reduce((sum, entry) => sum + entry.tried, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    const logs = host.logs();
    expect(logs.length).toBeGreaterThan(1000);
    const files = readdirSync(dataDir)
      .filter((name) => name.startsWith('connector-host.db'))
      .map((name) => readFileSync(join(dataDir, name)).toString('latin1'));
    const hits: string[] = [];
    for (const secret of SECRETS) {
      for (const form of [secret, Buffer.from(secret).toString('base64'), JSON.stringify(secret).slice(1, -1)]) {
        if (logs.includes(form)) hits.push(`log contains ${secret.slice(0, 4)}…`);
        for (const file of files) if (file.includes(form)) hits.push(`database contains ${secret.slice(0, 4)}…`);
      }
    }
    console.log(
      `secret scan: ${SECRETS.length} secrets, ${logs.length} bytes of logs, ${files.length} database files: ${hits.length} hits`,
    );
    expect(hits).toEqual([]);
  });
});
