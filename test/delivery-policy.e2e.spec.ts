import { randomUUID } from 'node:crypto';
import type { DeliveryMessage } from '@event-connectors/connector-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// A tenant's delivery policy per connector, within the host's bounds: the form (named refusals), the view, and what
// delivery does with it. The SDK's fake connector stands in for the destination (its calls are what is measured).

let host: TestHost;

beforeAll(async () => {
  host = await TestHost.withFake({ env: { DELIVERY_MAX_IN_FLIGHT: '4', DELIVERY_MAX_AGE_MS: '3600000' } });
});
afterAll(async () => {
  await host?.stop(true);
});

const HOST_POLICY = {
  maxMessageAgeSeconds: 3600,
  retryFirstDelayMs: 20,
  retryMaxDelayMs: 30_000,
  maxRecordsPerCall: null,
  maxCallsInFlight: 4,
};

async function setUp(deliveryPolicy?: object) {
  const name = `d-${randomUUID().slice(0, 8)}`;
  const created = await host.request('POST', '/v1/connectors', fakeConnector(name, deliveryPolicy ? { deliveryPolicy } : {}));
  const binding = (await host.request('POST', '/v1/bindings', audienceBinding(created.body.id))).body;
  return { created, connector: created.body, sourceId: binding.source.id as string, destination: host.destinations.get(name) };
}

const events = (sourceId: string, count: number) => ({
  events: Array.from({ length: count }, (_, i) =>
    profileEvent(sourceId, { profile: { profileId: `p-${i}`, partnerIds: { '33': ['1'] } } }),
  ),
});

describe('a delivery policy per connector', () => {
  it("shows the host's values when none is chosen, and the tenant's choices beside them when one is", async () => {
    expect((await setUp()).connector.deliveryPolicy).toEqual(HOST_POLICY);
    const { created, connector } = await setUp({ maxMessageAgeSeconds: 60, maxRecordsPerCall: 3 });
    expect(created.status).toBe(201);
    expect(connector.deliveryPolicy).toEqual({ ...HOST_POLICY, maxMessageAgeSeconds: 60, maxRecordsPerCall: 3 });
    expect((await host.request('GET', `/v1/connectors/${connector.id}`)).body.deliveryPolicy).toEqual(connector.deliveryPolicy);
    // A policy given to PATCH replaces the stored one whole: {} is the host's values again. A policy alone is not a
    // new version of the set-up (its destination client is not reopened).
    const patched = await host.request('PATCH', `/v1/connectors/${connector.id}`, { deliveryPolicy: { maxCallsInFlight: 1 } });
    expect(patched.body.deliveryPolicy).toEqual({ ...HOST_POLICY, maxCallsInFlight: 1 });
    expect(patched.body.updatedAt).toBe(connector.updatedAt);
    // What the view shows may be sent back as it is.
    const echoed = await host.request('PATCH', `/v1/connectors/${connector.id}`, { deliveryPolicy: HOST_POLICY });
    expect([echoed.status, echoed.body.deliveryPolicy]).toEqual([200, HOST_POLICY]);
    expect((await host.request('PATCH', `/v1/connectors/${connector.id}`, { deliveryPolicy: {} })).body.deliveryPolicy).toEqual(
      HOST_POLICY,
    );
  });

  it('refuses what passes the host bounds with 400, naming every field, and saves nothing', async () => {
    const name = `d-${randomUUID().slice(0, 8)}`;
    const refused = await host.request(
      'POST',
      '/v1/connectors',
      fakeConnector(name, {
        deliveryPolicy: { maxMessageAgeSeconds: 7200, retryFirstDelayMs: 5, maxCallsInFlight: 9, maxRecordsPerCall: 0 },
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual([
      'deliveryPolicy.maxMessageAgeSeconds',
      'deliveryPolicy.retryFirstDelayMs',
      'deliveryPolicy.maxRecordsPerCall',
      'deliveryPolicy.maxCallsInFlight',
    ]);
    expect(refused.body.errors[0].message).toMatch(/from 1 to 3600/);
    expect((await host.request('GET', '/v1/connectors?siteNumber=1234')).body.some((c: { name: string }) => c.name === name)).toBe(false);
    const typed = await host.request(
      'POST',
      '/v1/connectors',
      fakeConnector(name, { deliveryPolicy: { maxCallsInFlight: 'two', extra: 1 } }),
    );
    expect(typed.status).toBe(400);
    expect(typed.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'deliveryPolicy.extra',
      'deliveryPolicy.maxCallsInFlight',
    ]);
    const { connector } = await setUp();
    const patch = await host.request('PATCH', `/v1/connectors/${connector.id}`, {
      deliveryPolicy: { retryFirstDelayMs: 100, retryMaxDelayMs: 50 },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([
      { field: 'deliveryPolicy.retryMaxDelayMs', message: expect.stringMatching(/at least the first retry delay/) },
    ]);
    expect((await host.request('GET', `/v1/connectors/${connector.id}`)).body.deliveryPolicy).toEqual(HOST_POLICY);
  });

  it('sends no more records per call than the tenant chose', async () => {
    const { sourceId, destination } = await setUp({ maxRecordsPerCall: 3 });
    const sizes: number[] = [];
    const deliver = destination.deliver.bind(destination);
    destination.deliver = (messages: readonly DeliveryMessage[], token: string, signal?: AbortSignal) => {
      sizes.push(messages.length);
      return deliver(messages, token, signal);
    };
    // One request: its 12 messages are committed at once, so without the policy one call would take all of them.
    expect((await host.request('POST', '/v1/events', events(sourceId, 12))).status).toBe(202);
    await eventually('12 delivered', async () => (destination.received.length === 12 ? true : undefined));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(12);
  });

  it("dead-letters a message past the tenant's maximum age while another connector keeps trying under the host's", async () => {
    const brief = await setUp({ maxMessageAgeSeconds: 1 });
    const patient = await setUp();
    for (const { destination } of [brief, patient])
      destination.failWith({ code: 'Unavailable', message: 'down for maintenance', scope: 'destination' });
    for (const { sourceId } of [brief, patient]) expect((await host.request('POST', '/v1/events', events(sourceId, 1))).status).toBe(202);
    const dead = await eventually('the brief one dead-lettered', async () => {
      const page = (await host.request('GET', `/v1/connectors/${brief.connector.id}/dead-letters`)).body;
      return page.total === 1 ? page.items[0] : undefined;
    });
    expect(dead.errorMessage).toMatch(/maximum age|undelivered after 1 s/);
    expect(patient.destination.offered.length).toBeGreaterThan(0);
    expect((await host.request('GET', `/v1/connectors/${patient.connector.id}/dead-letters`)).body.total).toBe(0);
  });
});
