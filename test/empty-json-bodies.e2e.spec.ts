import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector } from './support/fixtures.js';
import { TestHost } from './support/test-host.js';

// Generated clients send `content-type: application/json` on every request, with a body or without one.

let host: TestHost;
beforeAll(async () => {
  host = await TestHost.withFake();
});
afterAll(async () => {
  await host?.stop(true);
});

/** A request with the JSON content type and exactly `body` (possibly empty) as its bytes. */
async function send(method: string, path: string, body = ''): Promise<{ status: number; body: any }> {
  const response = await fetch(host.url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('an empty body sent as application/json', () => {
  it('is no body: the body-less actions answer as they do without the header', async () => {
    const connector = (await host.request('POST', '/v1/connectors', fakeConnector('empty-bodies'))).body;
    const binding = (await host.request('POST', '/v1/bindings', audienceBinding(connector.id))).body;
    expect((await send('POST', `/v1/connectors/${connector.id}/check`)).status).toBe(200);
    expect((await send('POST', `/v1/connectors/${connector.id}/resume`)).status).toBe(200);
    expect((await send('DELETE', `/v1/bindings/${binding.id}`)).status).toBe(204);
    expect((await host.request('GET', `/v1/bindings/${binding.id}`)).status).toBe(404);
  });

  it('is refused with the missing field where a route needs a body', async () => {
    const created = await send('POST', '/v1/connectors');
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([{ field: 'body', message: 'body must be a JSON object' }]);
    const events = await send('POST', '/v1/events');
    expect(events.status).toBe(400);
  });

  it('leaves JSON parsing as it was: malformed JSON and prototype poisoning are refused', async () => {
    expect((await send('POST', '/v1/connectors', '{"type":')).status).toBe(400);
    expect((await send('POST', '/v1/connectors', '{"__proto__":{"admin":true}}')).status).toBe(400);
    expect((await send('POST', '/v1/connectors', '{"constructor":{"prototype":{}}}')).status).toBe(400);
  });
});
