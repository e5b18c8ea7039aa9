import { randomUUID } from 'node:crypto';
import { InProcessKinesalite } from '@event-connectors/kinesis-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryControl } from '../apps/connector-host/src/delivery/delivery-control.js';
import { DeliveryThread } from '../apps/connector-host/src/placement/thread/delivery-thread.js';
import { audienceBinding, kinesisConnector, profileEvent, REGION } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// The default placement: delivery on its own thread, intake and the API on the host's event loop. What crosses
// between them (backlog counts, set-up changes, statuses, the trace, metrics) is checked through the HTTP API.
const CAP = 50;
let kinesis: InProcessKinesalite;
let host: TestHost;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  host = await TestHost.start(kinesis.endpoint, { env: { MAX_BACKLOG_PER_CONNECTOR: String(CAP) } });
});
afterAll(async () => {
  await host?.stop(true);
  await kinesis?.stop();
});

async function connectorWithBinding(): Promise<{ id: string; stream: string; sourceId: string }> {
  const stream = `thread-${randomUUID().slice(0, 8)}`;
  await kinesis.createStream(stream, 1);
  const connector = await host.request('POST', '/v1/connectors', kinesisConnector(stream));
  expect(connector.status).toBe(201);
  const binding = await host.request('POST', '/v1/bindings', audienceBinding(connector.body.id));
  expect(binding.status).toBe(201);
  return { id: connector.body.id, stream, sourceId: binding.body.source.id };
}

const events = (sourceId: string, count: number, profile = (index: number) => `p-${index}`) =>
  Array.from({ length: count }, (_, index) =>
    profileEvent(sourceId, {
      profile: { profileId: profile(index), partnerIds: { '33': [String(index)] }, properties: {} },
    }),
  );

async function streamHolds(stream: string, count: number): Promise<void> {
  await eventually(`${count} records in ${stream}`, async () => ((await kinesis.readAll(stream)).length >= count ? true : undefined));
  expect(await kinesis.readAll(stream)).toHaveLength(count);
}

describe('delivery on its own thread', () => {
  it('is where the host runs delivery by default', () => {
    expect(host.app.get(DeliveryControl)).toBeInstanceOf(DeliveryThread);
  });

  it("counts the thread's settlements in intake's backlog: a connector at its cap takes events again once they are delivered", async () => {
    const { id, stream, sourceId } = await connectorWithBinding();
    expect((await host.request('POST', '/v1/events', { events: events(sourceId, 40) })).status).toBe(202);
    await streamHolds(stream, 40);
    // Intake only knows the backlog went down from the thread: without it, 40 + 40 would pass the cap of 50.
    const backlog = await eventually('backlog 0 on the host', async () => {
      const { body } = await host.request('GET', '/health/connectors');
      const mine = body.connectors.find((connector: { id: string }) => connector.id === id);
      return mine.backlog === 0 ? mine : undefined;
    });
    expect(backlog.status).toBe('active');
    expect(backlog.lastSuccessAt).not.toBeNull(); // the thread's loop status, asked for by the host
    expect((await host.request('POST', '/v1/events', { events: events(sourceId, 40) })).status).toBe(202);
    await streamHolds(stream, 80);
    // And the cap still holds: more than it in one request is refused whole (413: no wait would let it in).
    const tooMany = await host.request('POST', '/v1/events', { events: events(sourceId, CAP + 1) });
    expect([tooMany.status, tooMany.body.limit]).toEqual([413, { name: 'MAX_BACKLOG_PER_CONNECTOR', max: CAP, actual: CAP + 1 }]);
  });

  it('hears a set-up change made through the API: the next events go to the new stream', async () => {
    const { id, stream, sourceId } = await connectorWithBinding();
    await host.request('POST', '/v1/events', { events: events(sourceId, 3) });
    await streamHolds(stream, 3);
    const moved = `${stream}-moved`;
    await kinesis.createStream(moved, 1);
    expect((await host.request('PATCH', `/v1/connectors/${id}`, { settings: { streamName: moved } })).status).toBe(200);
    await host.request('POST', '/v1/events', { events: events(sourceId, 5) });
    await streamHolds(moved, 5);
    expect(await kinesis.readAll(stream)).toHaveLength(3);
  });

  it("traces the thread's deliveries (with receipts) beside intake's skips, newest first", async () => {
    const { id, sourceId } = await connectorWithBinding();
    const profileId = `traced-${randomUUID().slice(0, 8)}`;
    await host.request('POST', '/v1/events', { events: events(sourceId, 1, () => profileId) });
    await eventually('the delivery traced', async () => {
      const { body } = await host.request('GET', `/v1/deliveries?profileId=${profileId}`);
      return body.items.some((item: { status: string }) => item.status === 'delivered') ? true : undefined;
    });
    const noPartnerIds = profileEvent(sourceId, { profile: { profileId, partnerIds: {}, properties: {} } });
    await host.request('POST', '/v1/events', { events: [noPartnerIds] });
    const { body } = await host.request('GET', `/v1/deliveries?profileId=${profileId}`);
    expect(body.items.map((item: { status: string }) => item.status)).toEqual(['skipped', 'delivered']);
    expect(body.items[1]).toMatchObject({ connectorId: id, receipt: { shardId: expect.any(String) } });
  });

  it("serves the thread's delivery metrics and the host's intake metrics in one scrape", async () => {
    const { id, stream, sourceId } = await connectorWithBinding();
    await host.request('POST', '/v1/events', { events: events(sourceId, 7) });
    await streamHolds(stream, 7);
    const scrape = await eventually('records put in the metrics', async () => {
      const text = await (await fetch(`${host.url}/metrics`)).text();
      return text.includes(`connector_host_records_put_total{connector_id="${id}",connector_type="kinesis"} 7`) ? text : undefined;
    });
    expect(scrape).toContain(`connector_host_messages_routed_total{connector_id="${id}",connector_type="kinesis"} 7`);
    expect(scrape).toMatch(/^process_resident_memory_bytes \d+/m); // the process' metrics, once
    expect(scrape.match(/^# TYPE connector_host_records_put_total counter$/gm)).toHaveLength(1);
  });

  it('is ready with a loop per enabled connector, as the thread reports them', async () => {
    await connectorWithBinding();
    const ready = await host.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.info.delivery.status).toBe('up');
  });
});
