import { randomUUID } from 'node:crypto';
import { ACTIVATION_MESSAGE_FIELDS } from '@event-connectors/connector-sdk';
import { DOCUMENTED_EXAMPLE } from '@event-connectors/connector-sdk/testing';
import { InProcessKinesalite, type StreamRecord } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, journeyBinding, kinesisConnector, profileEvent, REGION } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

let kinesis: InProcessKinesalite;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  host = await TestHost.start(kinesis.endpoint);
});
afterAll(async () => {
  await host?.stop(true);
  await kinesis?.stop();
});

/** A fresh stream with a connector on it; returns the connector id. */
async function connectorOnNewStream(overrides: Record<string, unknown> = {}): Promise<{ id: string; stream: string }> {
  const stream = `stream-${randomUUID().slice(0, 8)}`;
  await kinesis.createStream(stream, 2);
  const created = await host.request('POST', '/v1/connectors', kinesisConnector(stream, overrides));
  expect(created.status).toBe(201);
  return { id: created.body.id, stream };
}

async function bind(body: Record<string, unknown>): Promise<any> {
  const created = await host.request('POST', '/v1/bindings', body);
  expect(created.status).toBe(201);
  return created.body;
}

/** Waits until the stream holds `count` records, then returns them parsed, in stream order per shard. */
async function records(stream: string, count: number): Promise<(StreamRecord & { json: any })[]> {
  const found = await eventually(`${count} records in ${stream}`, async () => {
    const all = await kinesis.readAll(stream);
    return all.length >= count ? all : undefined;
  });
  expect(found).toHaveLength(count);
  return found.map((record) => ({ ...record, json: JSON.parse(record.data) }));
}

async function post(events: unknown[]): Promise<any> {
  const answer = await host.request('POST', '/v1/events', { events });
  expect(answer.status).toBe(202);
  return answer.body;
}

describe('events to Kinesis, end to end', () => {
  it('delivers an audience NEW event exactly as the documented example, field by field and in order', async () => {
    const { id, stream } = await connectorOnNewStream();
    await bind(
      audienceBinding(id, { source: { type: 'audience', id: DOCUMENTED_EXAMPLE.sourceId, number: 123, name: 'Frequent buyers' } }),
    );
    const receipt = await post([profileEvent(DOCUMENTED_EXAMPLE.sourceId)]);
    expect(receipt).toEqual({ accepted: 1, routed: 1, skipped: { total: 0 } });

    const [record] = await records(stream, 1);
    expect(record.partitionKey).toBe(DOCUMENTED_EXAMPLE.profileId);
    expect(record.json).toEqual(DOCUMENTED_EXAMPLE);
    expect(Object.keys(record.json)).toEqual([...ACTIVATION_MESSAGE_FIELDS]);
    for (const field of ACTIVATION_MESSAGE_FIELDS) expect(record.json[field], field).toEqual(DOCUMENTED_EXAMPLE[field]);
    expect(record.data).toBe(JSON.stringify(DOCUMENTED_EXAMPLE));
  });

  it('delivers a journey step with sourceNumber null, sourceName "" and empty profileVars and data', async () => {
    const { id, stream } = await connectorOnNewStream();
    const binding = await bind(journeyBinding(id));
    await post([profileEvent(binding.source.id, { callType: 'REMOVED', timestamp: 1764338400123 })]);
    const [record] = await records(stream, 1);
    expect(record.json).toEqual({
      ...DOCUMENTED_EXAMPLE,
      sourceId: binding.source.id,
      callType: 'REMOVED',
      timestamp: 1764338400123,
      profileVars: {},
      sourceName: '',
      sourceNumber: null,
      data: {},
    });
  });

  it('sends one message per partner id, and skips (and counts) a profile with none', async () => {
    const { id, stream } = await connectorOnNewStream();
    const binding = await bind(audienceBinding(id));
    const receipt = await post([
      profileEvent(binding.source.id, { profile: { profileId: 'p-two', partnerIds: { '33': ['a', 'b'], '42': ['z'] }, properties: {} } }),
      profileEvent(binding.source.id, { profile: { profileId: 'p-none', partnerIds: { '42': ['z'] }, properties: {} } }),
      profileEvent(binding.source.id, { profile: { profileId: 'p-empty' } }),
    ]);
    expect(receipt).toEqual({ accepted: 3, routed: 2, skipped: { total: 2, no_partner_ids: 2 } });
    const delivered = await records(stream, 2);
    expect(delivered.map((record) => record.json.partnerIds).sort()).toEqual([['a'], ['b']]);
    expect(delivered.every((record) => record.json.profileId === 'p-two' && record.partitionKey === 'p-two')).toBe(true);
    expect(delivered.every((record) => JSON.stringify(record.json.profileVars) === '{}')).toBe(true);
  });

  it('routes MODIFIED only to bindings that map a changed property', async () => {
    const { id, stream } = await connectorOnNewStream();
    const binding = await bind(audienceBinding(id));
    const receipt = await post([
      profileEvent(binding.source.id, {
        callType: 'MODIFIED',
        changedProperties: ['city'],
        profile: { profileId: 'unmapped', partnerIds: { '33': ['1'] } },
      }),
      profileEvent(binding.source.id, {
        callType: 'MODIFIED',
        changedProperties: ['last_category'],
        profile: { profileId: 'mapped', partnerIds: { '33': ['2'] }, properties: { last_category: 'shoes' } },
      }),
      profileEvent(binding.source.id, { callType: 'MODIFIED', profile: { profileId: 'unknown-change', partnerIds: { '33': ['3'] } } }),
    ]);
    expect(receipt).toEqual({ accepted: 3, routed: 2, skipped: { total: 1, unmapped_change: 1 } });
    const delivered = await records(stream, 2);
    expect(delivered.map((record) => record.json.profileId).sort()).toEqual(['mapped', 'unknown-change']);
    expect(delivered.find((record) => record.json.profileId === 'mapped')!.json.profileVars).toEqual({ lastCategory: 'shoes' });
    expect(delivered.find((record) => record.json.profileId === 'unknown-change')!.json.profileVars).toEqual({});
  });

  it('never lets an event reach a connector of another site, even for the same source id', async () => {
    const siteA = await connectorOnNewStream({ siteNumber: 1 });
    const siteB = await connectorOnNewStream({ siteNumber: 2 });
    const sourceId = randomUUID();
    const source = { type: 'audience', id: sourceId, number: 7, name: 'Shared id' };
    await bind(audienceBinding(siteA.id, { source }));
    await bind(audienceBinding(siteB.id, { source }));
    const receipt = await post([
      profileEvent(sourceId, { siteNumber: 1, profile: { profileId: 'site-1-profile', partnerIds: { '33': ['1'] } } }),
      profileEvent(sourceId, { siteNumber: 3, profile: { profileId: 'site-3-profile', partnerIds: { '33': ['1'] } } }),
    ]);
    expect(receipt).toEqual({ accepted: 2, routed: 1, skipped: { total: 1, no_binding: 1 } });
    const [onA] = await records(siteA.stream, 1);
    expect(onA.json).toMatchObject({ profileId: 'site-1-profile', siteNumber: 1 });
    // Give a wrongly routed message every chance to arrive before looking.
    await post([profileEvent(sourceId, { siteNumber: 1, profile: { profileId: 'marker', partnerIds: { '33': ['1'] } } })]);
    await records(siteA.stream, 2);
    expect(await kinesis.readAll(siteB.stream)).toEqual([]);
  });

  it('delivers to every enabled connector bound to the source, and skips a disabled one', async () => {
    const first = await connectorOnNewStream();
    const second = await connectorOnNewStream({ partnerNumber: 42 });
    const disabled = await connectorOnNewStream({ enabled: false });
    const sourceId = randomUUID();
    const source = { type: 'audience', id: sourceId, number: 9, name: 'Fan-out' };
    for (const connector of [first, second, disabled]) await bind(audienceBinding(connector.id, { source }));
    const receipt = await post([profileEvent(sourceId, { profile: { profileId: 'fan', partnerIds: { '33': ['x'], '42': ['y'] } } })]);
    expect(receipt).toEqual({ accepted: 1, routed: 2, skipped: { total: 1, connector_disabled: 1 } });
    expect((await records(first.stream, 1))[0].json).toMatchObject({ partnerNumber: 33, partnerIds: ['x'] });
    expect((await records(second.stream, 1))[0].json).toMatchObject({ partnerNumber: 42, partnerIds: ['y'] });
    expect(await kinesis.readAll(disabled.stream)).toEqual([]);
  });

  it('counts an event of a source nobody is bound to as skipped, and stores nothing', async () => {
    expect(await post([profileEvent(randomUUID())])).toEqual({ accepted: 1, routed: 0, skipped: { total: 1, no_binding: 1 } });
  });

  it("keeps each profile's events in acceptance order on the stream", async () => {
    const { id, stream } = await connectorOnNewStream();
    const binding = await bind(audienceBinding(id));
    const calls = ['NEW', 'MODIFIED', 'REMOVED', 'NEW', 'MODIFIED', 'REMOVED'];
    for (const [index, callType] of calls.entries()) {
      await post(
        ['p1', 'p2', 'p3'].map((profileId) =>
          profileEvent(binding.source.id, {
            callType,
            timestamp: 1000 + index,
            profile: { profileId, partnerIds: { '33': ['x'] }, properties: { last_category: String(index) } },
          }),
        ),
      );
    }
    const delivered = await records(stream, calls.length * 3);
    for (const profileId of ['p1', 'p2', 'p3']) {
      const mine = delivered.filter((record) => record.json.profileId === profileId);
      expect(mine.map((record) => record.json.timestamp)).toEqual(calls.map((_, index) => 1000 + index));
      expect(mine.map((record) => record.json.callType)).toEqual(calls);
    }
  });

  it('keeps set-ups and undelivered messages across a restart, and delivers them after it', async () => {
    // A first host whose Kinesis is unreachable: the message is accepted, fails retryably, and waits in the store.
    const offline = await TestHost.start('http://127.0.0.1:9');
    const stream = `restart-${randomUUID().slice(0, 8)}`;
    await kinesis.createStream(stream, 1);
    const created = await offline.request('POST', '/v1/connectors', kinesisConnector(stream));
    const binding = (await offline.request('POST', '/v1/bindings', audienceBinding(created.body.id))).body;
    const receipt = await offline.request('POST', '/v1/events', {
      events: [profileEvent(binding.source.id, { profile: { profileId: 'survivor', partnerIds: { '33': ['1'] } } })],
    });
    expect(receipt.body.routed).toBe(1);
    await offline.stop();

    // The same data folder, now with Kinesis reachable: set-ups, secret included, and the backlog survived.
    const restarted = await TestHost.start(kinesis.endpoint, { dataDir: offline.dataDir });
    try {
      const { check: _check, ...saved } = created.body;
      expect((await restarted.request('GET', `/v1/connectors/${created.body.id}`)).body).toEqual(saved);
      expect((await restarted.request('GET', `/v1/bindings/${binding.id}`)).body).toEqual(binding);
      const [record] = await records(stream, 1);
      expect(record.json).toMatchObject({ profileId: 'survivor', sourceId: binding.source.id, partnerIds: ['1'] });
    } finally {
      await restarted.stop(true);
    }
  });
});
