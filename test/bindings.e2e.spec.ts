import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, journeyBinding } from './support/fixtures.js';
import { TestHost } from './support/test-host.js';

let host: TestHost;
let connectorId: string;

beforeAll(async () => {
  host = await TestHost.withFake();
  connectorId = (await host.request('POST', '/v1/connectors', fakeConnector('bindings'))).body.id;
});
afterAll(async () => {
  await host?.stop(true);
});

const tenVariables = Array.from({ length: 10 }, (_, i) => ({ name: `v${i}`, property: `p${i}` }));
const tenProperties = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i % 2 ? `s${i}` : i]));

describe('/v1/bindings', () => {
  it("binds an audience with source name, variables and properties, in the connector's site", async () => {
    const body = audienceBinding(connectorId, { profileVariables: tenVariables, properties: tenProperties });
    const { status, body: created } = await host.request('POST', '/v1/bindings', body);
    expect(status).toBe(201);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      connectorId,
      siteNumber: 1234,
      source: body.source,
      sourceName: 'some name',
      profileVariables: tenVariables,
      properties: tenProperties,
      createdAt: expect.any(String),
    });
    expect((await host.request('GET', `/v1/bindings/${created.id}`)).body).toEqual(created);
  });

  it('binds a journey step without number, source name, variables or properties', async () => {
    const body = journeyBinding(connectorId);
    const { status, body: created } = await host.request('POST', '/v1/bindings', body);
    expect(status).toBe(201);
    expect(created).toMatchObject({ source: body.source, sourceName: null, profileVariables: [], properties: {} });
  });

  it('refuses to bind the same connector to the same source twice (409), also when the id differs only in case', async () => {
    const body = audienceBinding(connectorId);
    expect((await host.request('POST', '/v1/bindings', body)).status).toBe(201);
    const again = await host.request('POST', '/v1/bindings', { ...body, sourceName: 'other' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(body.source.id);
    const upper = await host.request('POST', '/v1/bindings', { ...body, source: { ...body.source, id: body.source.id.toUpperCase() } });
    expect(upper.status).toBe(409);
    expect((await host.request('GET', `/v1/bindings?sourceId=${body.source.id}`)).body).toHaveLength(1);
  });

  it('lists by connector and by source, and deletes', async () => {
    const other = (await host.request('POST', '/v1/connectors', fakeConnector('bindings'))).body.id;
    const created = (await host.request('POST', '/v1/bindings', audienceBinding(other))).body;
    expect((await host.request('GET', `/v1/bindings?connectorId=${other}`)).body).toEqual([created]);
    expect((await host.request('GET', `/v1/bindings?sourceId=${created.source.id}`)).body).toEqual([created]);
    expect((await host.request('DELETE', `/v1/bindings/${created.id}`)).status).toBe(204);
    expect((await host.request('GET', `/v1/bindings/${created.id}`)).status).toBe(404);
    expect((await host.request('DELETE', `/v1/bindings/${created.id}`)).status).toBe(404);
    expect((await host.request('GET', '/v1/bindings?connectorId=nope')).status).toBe(400);
  });

  it('goes with its connector when the connector is deleted', async () => {
    const other = (await host.request('POST', '/v1/connectors', fakeConnector('bindings'))).body.id;
    const created = (await host.request('POST', '/v1/bindings', audienceBinding(other))).body;
    await host.request('DELETE', `/v1/connectors/${other}`);
    expect((await host.request('GET', `/v1/bindings/${created.id}`)).status).toBe(404);
  });

  const journeySource = () => ({ type: 'journey', id: randomUUID(), name: 'Step' });
  const audienceSource = () => ({ type: 'audience', id: randomUUID(), number: 5, name: 'Audience' });
  const invalid: [string, () => Record<string, unknown>, string, RegExp][] = [
    [
      '11 profile variables',
      () => audienceBinding(connectorId, { profileVariables: [...tenVariables, { name: 'v10', property: 'p10' }] }),
      'profileVariables',
      /at most 10/,
    ],
    ['11 properties', () => audienceBinding(connectorId, { properties: { ...tenProperties, k10: 1 } }), 'properties', /at most 10 keys/],
    [
      'duplicate variable names',
      () =>
        audienceBinding(connectorId, {
          profileVariables: [
            { name: 'a', property: 'x' },
            { name: 'a', property: 'y' },
          ],
        }),
      'profileVariables',
      /distinct names/,
    ],
    [
      'one property mapped twice',
      () =>
        audienceBinding(connectorId, {
          profileVariables: [
            { name: 'a', property: 'x' },
            { name: 'b', property: 'x' },
          ],
        }),
      'profileVariables',
      /distinct properties/,
    ],
    [
      'a variable without property',
      () => audienceBinding(connectorId, { profileVariables: [{ name: 'a' }] }),
      'profileVariables.0.property',
      /property is required/,
    ],
    [
      'a variable with an unknown field',
      () => audienceBinding(connectorId, { profileVariables: [{ name: 'a', property: 'b', c: 1 }] }),
      'profileVariables.0.c',
      /should not exist/,
    ],
    ['profileVariables not an array', () => audienceBinding(connectorId, { profileVariables: { name: 'a' } }), 'profileVariables', /array/],
    [
      'a property that is an object',
      () => audienceBinding(connectorId, { properties: { nested: { a: 1 } } }),
      'properties',
      /string .* or a finite number/,
    ],
    ['a property that is a boolean', () => audienceBinding(connectorId, { properties: { flag: true } }), 'properties', /finite number/],
    ['properties as an array', () => audienceBinding(connectorId, { properties: ['a'] }), 'properties', /must be an object/],
    [
      'an audience without number',
      () => audienceBinding(connectorId, { source: { ...audienceSource(), number: undefined } }),
      'source.number',
      /required for an audience/,
    ],
    [
      'an audience number that is not an integer',
      () => audienceBinding(connectorId, { source: { ...audienceSource(), number: 'five' } }),
      'source.number',
      /integer/,
    ],
    [
      'a journey step with a number',
      () => journeyBinding(connectorId, { source: { ...journeySource(), number: 3 } }),
      'source.number',
      /audiences only/,
    ],
    [
      'an unknown source type',
      () => audienceBinding(connectorId, { source: { ...audienceSource(), type: 'segment' } }),
      'source.type',
      /"audience" or "journey"/,
    ],
    [
      'a source id that is not a UUID',
      () => audienceBinding(connectorId, { source: { ...audienceSource(), id: 'abc' } }),
      'source.id',
      /UUID/,
    ],
    [
      'a source without name',
      () => audienceBinding(connectorId, { source: { ...audienceSource(), name: undefined } }),
      'source.name',
      /name is required/,
    ],
    ['no source', () => audienceBinding(connectorId, { source: undefined }), 'source', /must be an object/],
    ['a sourceName that is not a string', () => audienceBinding(connectorId, { sourceName: 5 }), 'sourceName', /string/],
    ['a connectorId that is not a UUID', () => audienceBinding('abc'), 'connectorId', /UUID/],
    ['a connector that does not exist', () => audienceBinding(randomUUID()), 'connectorId', /is not a connector/],
    ['an unknown field', () => audienceBinding(connectorId, { priority: 1 }), 'priority', /should not exist/],
  ];

  it.each(invalid)('refuses %s with a 400 naming the field, storing nothing', async (_case, body, field, message) => {
    const before = (await host.request('GET', '/v1/bindings')).body.length;
    const { status, body: answer } = await host.request('POST', '/v1/bindings', body());
    expect(status).toBe(400);
    const error = answer.errors.find((candidate: { field: string }) => candidate.field === field);
    expect(error, JSON.stringify(answer.errors)).toBeDefined();
    expect(error.message).toMatch(message);
    expect((await host.request('GET', '/v1/bindings')).body.length).toBe(before);
  });
});

describe('one rule for audience and step ids', () => {
  // Shaped like a UUID, but neither an RFC 4122 version nor variant: the platform names its sources.
  const ID = '5b0e3f7a-9c1d-0e2f-0a6b-7c8d9e0f1a2b';

  it('takes the same source ids on a binding, an event and a filter, and refuses the same malformed ones', async () => {
    const bound = await host.request(
      'POST',
      '/v1/bindings',
      audienceBinding(connectorId, { source: { type: 'audience', id: ID, number: 9, name: 'x' } }),
    );
    expect(bound.status).toBe(201);
    const routed = await host.request('POST', '/v1/events', {
      events: [{ siteNumber: 1234, sourceId: ID, callType: 'NEW', timestamp: 1, profile: { profileId: 'p', partnerIds: { '33': ['1'] } } }],
    });
    expect(routed).toMatchObject({ status: 202, body: { routed: 1 } });
    expect((await host.request('GET', `/v1/bindings?sourceId=${ID}`)).body).toHaveLength(1);
    for (const malformed of ['5b0e3f7a-9c1d-0e2f-0a6b-7c8d9e0f1a2', 'not-a-uuid']) {
      const refused = await host.request(
        'POST',
        '/v1/bindings',
        audienceBinding(connectorId, { source: { type: 'audience', id: malformed, number: 9, name: 'x' } }),
      );
      expect(refused.body.errors).toEqual([{ field: 'source.id', message: 'id must be a UUID' }]);
      const event = await host.request('POST', '/v1/events', {
        events: [{ siteNumber: 1234, sourceId: malformed, callType: 'NEW', timestamp: 1, profile: { profileId: 'p', partnerIds: {} } }],
      });
      expect(event.body.errors[0].field).toBe('events[0].sourceId');
      expect((await host.request('GET', `/v1/bindings?sourceId=${malformed}`)).status).toBe(400);
    }
  });
});

describe('what one site may configure', () => {
  it('binds at most MAX_BINDINGS_PER_SOURCE connectors to a source, and a site has at most MAX_CONNECTORS_PER_SITE', async () => {
    const limited = await TestHost.withFake({ env: { MAX_BINDINGS_PER_SOURCE: '2', MAX_CONNECTORS_PER_SITE: '3' } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await limited.request('POST', '/v1/connectors', fakeConnector('quota'))).body.id);
      const fourth = await limited.request('POST', '/v1/connectors', fakeConnector('quota'));
      expect(fourth.status).toBe(422);
      expect(fourth.body.limit).toEqual({ name: 'MAX_CONNECTORS_PER_SITE', max: 3, actual: 4 });
      expect(fourth.body.errors).toEqual([{ field: 'siteNumber', message: expect.stringContaining('3 connectors') }]);
      // Another site is not held by this one's quota.
      expect((await limited.request('POST', '/v1/connectors', fakeConnector('quota', { siteNumber: 8 }))).status).toBe(201);

      const source = { type: 'audience', id: randomUUID(), number: 1, name: 'Fan-out' };
      for (const id of ids.slice(0, 2))
        expect((await limited.request('POST', '/v1/bindings', audienceBinding(id, { source }))).status).toBe(201);
      const third = await limited.request('POST', '/v1/bindings', audienceBinding(ids[2], { source }));
      expect(third.status).toBe(422);
      expect(third.body.limit).toEqual({ name: 'MAX_BINDINGS_PER_SOURCE', max: 2, actual: 3 });
      expect(third.body.errors[0].field).toBe('source.id');
      expect((await limited.request('GET', `/v1/bindings?sourceId=${source.id}`)).body).toHaveLength(2);
      // The same connector on another source is fine.
      expect((await limited.request('POST', '/v1/bindings', audienceBinding(ids[2]))).status).toBe(201);
    } finally {
      await limited.stop(true);
    }
  });
});
