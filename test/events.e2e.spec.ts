import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, fakeConnector, profileEvent } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

let host: TestHost;
let sourceId: string;

beforeAll(async () => {
  host = await TestHost.withFake({ env: { MAX_EVENTS_PER_REQUEST: '50', MAX_BODY_BYTES: '200000' } });
  const connectorId = (await host.request('POST', '/v1/connectors', fakeConnector('events'))).body.id;
  sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connectorId))).body.source.id;
});
afterAll(async () => {
  await host?.stop(true);
});

const event = (overrides: Record<string, unknown> = {}) => profileEvent(sourceId, overrides);
const profile = (overrides: Record<string, unknown>) => ({ profileId: 'p', partnerIds: { '33': ['1'] }, properties: {}, ...overrides });

describe('POST /v1/events validation', () => {
  const invalid: [string, () => unknown, string, RegExp][] = [
    ['a body without events', () => ({}), 'events', /events is required/],
    ['events that is not an array', () => ({ events: {} }), 'events', /must be array/],
    ['an empty batch', () => ({ events: [] }), 'events', /must NOT have fewer than 1 items/],
    [
      'more events than allowed',
      () => ({ events: Array.from({ length: 51 }, () => event()) }),
      'events',
      /must NOT have more than 50 items/,
    ],
    ['an unknown top-level field', () => ({ events: [event()], extra: 1 }), 'extra', /not a known field/],
    ['a missing siteNumber', () => ({ events: [{ ...event(), siteNumber: undefined }] }), 'events[0].siteNumber', /is required/],
    ['a fractional siteNumber', () => ({ events: [event({ siteNumber: 1.5 })] }), 'events[0].siteNumber', /must be integer/],
    ['a string siteNumber', () => ({ events: [event({ siteNumber: '1234' })] }), 'events[0].siteNumber', /must be integer/],
    ['a sourceId that is not a UUID', () => ({ events: [event({ sourceId: 'x' })] }), 'events[0].sourceId', /must be a UUID/],
    ['an unknown callType', () => ({ events: [event({ callType: 'UPDATED' })] }), 'events[0].callType', /one of NEW, MODIFIED, REMOVED/],
    ['a negative timestamp', () => ({ events: [event({ timestamp: -1 })] }), 'events[0].timestamp', /must be >= 0/],
    [
      'a timestamp in seconds with decimals',
      () => ({ events: [event({ timestamp: 1234567890.5 })] }),
      'events[0].timestamp',
      /must be integer/,
    ],
    ['a missing profile', () => ({ events: [{ ...event(), profile: undefined }] }), 'events[0].profile', /is required/],
    ['a missing profileId', () => ({ events: [event({ profile: { partnerIds: {} } })] }), 'events[0].profile.profileId', /is required/],
    [
      'an empty profileId',
      () => ({ events: [event({ profile: profile({ profileId: '' }) })] }),
      'events[0].profile.profileId',
      /fewer than 1 characters/,
    ],
    [
      'a profileId over 256 characters',
      () => ({ events: [event({ profile: profile({ profileId: 'p'.repeat(257) }) })] }),
      'events[0].profile.profileId',
      /more than 256/,
    ],
    [
      'a partner slot that is not a number',
      () => ({ events: [event({ profile: profile({ partnerIds: { abc: ['1'] } }) })] }),
      'events[0].profile.partnerIds.abc',
      /partner numbers/,
    ],
    [
      'partner ids that are not strings',
      () => ({ events: [event({ profile: profile({ partnerIds: { '33': [4] } }) })] }),
      'events[0].profile.partnerIds.33[0]',
      /must be string/,
    ],
    [
      'partner ids that are not an array',
      () => ({ events: [event({ profile: profile({ partnerIds: { '33': '4' } }) })] }),
      'events[0].profile.partnerIds.33',
      /must be array/,
    ],
    [
      'a nested profile property',
      () => ({ events: [event({ profile: profile({ properties: { a: { b: 1 } } }) })] }),
      'events[0].profile.properties.a',
      /must be string,number,boolean,null/,
    ],
    [
      'changedProperties that are not strings',
      () => ({ events: [event({ changedProperties: [1] })] }),
      'events[0].changedProperties[0]',
      /must be string/,
    ],
    ['an unknown event field', () => ({ events: [event({ audience: 'x' })] }), 'events[0].audience', /not a known field/],
    [
      'an unknown profile field',
      () => ({ events: [event({ profile: profile({ email: 'x' }) })] }),
      'events[0].profile.email',
      /not a known field/,
    ],
    ['a bad second event', () => ({ events: [event(), event({ callType: 'nope' })] }), 'events[1].callType', /one of/],
  ];

  it.each(invalid)('refuses %s with a 400 naming the field', async (_case, body, field, message) => {
    const { status, body: answer } = await host.request('POST', '/v1/events', body());
    expect(status).toBe(400);
    expect(answer.errors[0].field).toBe(field);
    expect(answer.errors[0].message).toMatch(message);
  });

  it('commits nothing of a request with one bad event among good ones', async () => {
    const marker = `marker-${randomUUID()}`;
    const bad = await host.request('POST', '/v1/events', {
      events: [event({ profile: profile({ profileId: 'must-not-arrive' }) }), event({ timestamp: 'soon' })],
    });
    expect(bad.status).toBe(400);
    expect((await host.request('POST', '/v1/events', { events: [event({ profile: profile({ profileId: marker }) })] })).status).toBe(202);
    const received = await eventually('the marker', async () => {
      const all = host.destinations.get('events').received;
      return all.some((message) => message.partitionKey === marker) ? all : undefined;
    });
    expect(received.some((message) => message.partitionKey === 'must-not-arrive')).toBe(false);
  });

  it('refuses a body over the size limit with 413', async () => {
    const big = {
      events: [
        event({ profile: profile({ properties: { blob: 'x'.repeat(60_000), blob2: 'y'.repeat(60_000), blob3: 'z'.repeat(90_000) } }) }),
      ],
    };
    expect((await host.request('POST', '/v1/events', big)).status).toBe(413);
  });

  it('refuses a body that is not JSON with 400', async () => {
    expect((await host.request('POST', '/v1/events', '{"events": [')).status).toBe(400);
  });

  it('accepts optional partnerIds, properties and changedProperties, and upper-case source ids', async () => {
    const answer = await host.request('POST', '/v1/events', {
      events: [event({ sourceId: sourceId.toUpperCase(), profile: { profileId: 'minimal' } })],
    });
    expect(answer).toEqual({ status: 202, body: { accepted: 1, routed: 0, skipped: { total: 1, no_partner_ids: 1 } } });
  });
});
