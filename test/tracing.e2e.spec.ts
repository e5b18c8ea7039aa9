import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.js';
import { eventually, TestHost } from './support/test-host.js';

// OpenTelemetry traces, opt-in with the standard OTEL_* variables, sent over OTLP/HTTP to a receiver on loopback
// (support/otlp-receiver.ts): a span per intake request, per commit and per delivery call, linked, with the
// connector type, the message ids and the outcome, and nothing of what the messages hold.

const SECRET_PROFILE = `profile-${randomUUID()}`;
let receiver: OtlpReceiver;
let host: TestHost;

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  host = await TestHost.withFake({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'connector-host-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    },
  });
});
afterAll(async () => {
  await host?.stop(true);
  await receiver?.stop();
});

const KIND = { INTERNAL: 1, SERVER: 2, PRODUCER: 4 };
const named = (name: string) => receiver.spans.filter((span) => span.name === name);

describe('OpenTelemetry traces', () => {
  it('sends a span per intake request, commit and delivery call, linked by their contexts and the message ids', async () => {
    const name = `t-${randomUUID().slice(0, 8)}`;
    const connector = (await host.request('POST', '/v1/connectors', fakeConnector(name))).body;
    const binding = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
    const destination = host.destinations.get(name);
    const event = profileEvent(binding.source.id, { profile: { profileId: SECRET_PROFILE, partnerIds: { '33': ['1'] } } });
    expect((await host.request('POST', '/v1/events', { events: [event] })).status).toBe(202);
    await eventually('delivered', async () => (destination.received.length === 1 ? true : undefined));
    const messageId = destination.received[0].id;

    const deliver = await eventually('the delivery span', async () =>
      named('deliver').find((span) => span.attributes['connector_host.connector.id'] === connector.id),
    );
    expect(deliver).toMatchObject({ service: 'connector-host-under-test', kind: KIND.PRODUCER, status: 0 });
    expect(deliver.attributes).toMatchObject({
      'connector_host.connector.type': 'fake',
      'connector_host.outcome': 'delivered',
      'connector_host.delivered': 1,
      'messaging.batch.message_count': 1,
      'connector_host.message_ids': [messageId],
    });
    // The delivery links to the commit that wrote its message, which names the message's id and links to the request.
    const commit = named('commit').find((span) => deliver.links.some((link) => link.spanId === span.spanId));
    expect(commit?.kind).toBe(KIND.INTERNAL);
    const [first, last] = String((commit!.attributes['connector_host.message_ids'] as string[])[0])
      .split('-')
      .map(Number);
    expect(Number(messageId)).toBeGreaterThanOrEqual(first);
    expect(Number(messageId)).toBeLessThanOrEqual(last);
    const intake = named('POST /v1/events').find((span) => commit!.links.some((link) => link.spanId === span.spanId));
    expect(intake).toMatchObject({ kind: KIND.SERVER });
    expect(intake!.attributes).toMatchObject({
      'http.response.status_code': 202,
      'connector_host.events': 1,
      'connector_host.messages': 1,
    });
    expect(receiver.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);

    // Nothing a message holds is in any span: not the profile id, not its body.
    const everything = JSON.stringify(receiver.spans);
    expect(everything).not.toContain(SECRET_PROFILE);
    expect(everything).not.toContain(destination.received[0].body.slice(0, 40));
  });

  it('marks a refused request and a failed delivery call as such, naming the error kind only', async () => {
    const name = `t-${randomUUID().slice(0, 8)}`;
    const connector = (await host.request('POST', '/v1/connectors', fakeConnector(name))).body;
    const binding = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
    const destination = host.destinations.get(name);
    destination.failWith({ code: 'ServiceUnavailable', message: `down for ${SECRET_PROFILE}` });
    const event = profileEvent(binding.source.id, { profile: { profileId: SECRET_PROFILE, partnerIds: { '33': ['1'] } } });
    await host.request('POST', '/v1/events', { events: [event] });
    expect((await host.request('POST', '/v1/events', { events: [{ siteNumber: 'x' }] })).status).toBe(400);

    const failed = await eventually('a failed delivery span', async () =>
      named('deliver').find((span: ReceivedSpan) => span.attributes['connector_host.connector.id'] === connector.id),
    );
    expect(failed).toMatchObject({ status: 2, attributes: { 'connector_host.outcome': 'failed', 'error.type': 'ServiceUnavailable' } });
    const refused = await eventually('the refused request span', async () =>
      named('POST /v1/events').find((span) => span.attributes['error.type'] === 'InvalidInputError'),
    );
    expect(refused.attributes['http.response.status_code']).toBeUndefined();
    expect(JSON.stringify(receiver.spans)).not.toContain(SECRET_PROFILE);
    destination.answerWith();
  });

  it("continues the caller's trace from its traceparent header, and ignores a malformed one", async () => {
    const name = `t-${randomUUID().slice(0, 8)}`;
    const connector = (await host.request('POST', '/v1/connectors', fakeConnector(name))).body;
    const binding = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
    const callerTrace = randomUUID().replaceAll('-', '');
    const callerSpan = callerTrace.slice(0, 16);
    const post = (traceparent: string) =>
      fetch(`${host.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent },
        body: JSON.stringify({ events: [profileEvent(binding.source.id, { profile: { profileId: 'p', partnerIds: { '33': ['1'] } } })] }),
      });
    expect((await post(`00-${callerTrace}-${callerSpan}-01`)).status).toBe(202);
    const continued = await eventually('the request span in the caller trace', async () =>
      named('POST /v1/events').find((span) => span.traceId === callerTrace),
    );
    expect(continued.kind).toBe(KIND.SERVER);
    const before = named('POST /v1/events').length;
    expect((await post('00-not-a-trace-01')).status).toBe(202);
    const fresh = await eventually('the next request span', async () => named('POST /v1/events')[before]);
    expect(fresh.traceId).not.toBe(callerTrace);
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
