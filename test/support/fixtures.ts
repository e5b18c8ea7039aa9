import { randomUUID } from 'node:crypto';
import { TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';

export const REGION = 'eu-west-1';

/** The token fake set-ups carry (the fake's secret setting). */
export const FAKE_TOKEN = 'fake-destination-token-1';

/** A valid POST /v1/connectors body for a scripted destination of the SDK's fake connector. */
export function fakeConnector(destination: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'fake',
    siteNumber: 1234,
    name: 'Customer destination',
    partnerNumber: 33,
    settings: { destination, token: FAKE_TOKEN },
    ...overrides,
  };
}

/** A valid POST /v1/connectors body for a webhook receiver. */
export function webhookConnector(url: string, signingSecret: string, overrides: Record<string, unknown> = {}) {
  return { type: 'webhook', siteNumber: 1234, name: 'Customer webhook', partnerNumber: 33, settings: { url, signingSecret }, ...overrides };
}

/** A valid POST /v1/connectors body for a Kinesis stream. */
export function kinesisConnector(streamName: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'kinesis',
    siteNumber: 1234,
    name: 'Customer stream',
    partnerNumber: 33,
    settings: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName },
    ...overrides,
  };
}

export function audienceBinding(connectorId: string, overrides: Record<string, unknown> = {}) {
  return {
    connectorId,
    source: { type: 'audience', id: randomUUID(), number: 123, name: 'Frequent buyers' },
    sourceName: 'some name',
    profileVariables: [{ name: 'lastCategory', property: 'last_category' }],
    properties: { custom: 'variable', another: 123 },
    ...overrides,
  };
}

export function journeyBinding(connectorId: string, overrides: Record<string, unknown> = {}) {
  return {
    connectorId,
    source: { type: 'journey', id: randomUUID(), name: 'Welcome journey, step 2' },
    ...overrides,
  };
}

/** One event as the platform posts it. */
export function profileEvent(sourceId: string, overrides: Record<string, unknown> = {}) {
  return {
    siteNumber: 1234,
    sourceId,
    callType: 'NEW',
    timestamp: 1234567890,
    profile: {
      profileId: 'aaaabbbb-cccc-dddd-eeee-ffffffffffff',
      partnerIds: { '33': ['4'] },
      properties: { last_category: '5678' },
    },
    ...overrides,
  };
}

/** The profile beside the documented one in the documented story: two partner ids, so two messages per event. */
export const SECOND_PROFILE = { profileId: 'second-profile', partnerIds: { '33': ['7', '8'] }, properties: { last_category: 'x' } };

/**
 * The documented story a connector's e2e spec delivers: the documented example, and a second profile that enters,
 * changes a mapped variable and leaves (NEW, MODIFIED, REMOVED): 4 events, 7 messages.
 */
export function documentedStory(sourceId: string) {
  return [
    profileEvent(sourceId),
    profileEvent(sourceId, { profile: SECOND_PROFILE, callType: 'NEW', timestamp: 1 }),
    profileEvent(sourceId, { profile: SECOND_PROFILE, callType: 'MODIFIED', timestamp: 2, changedProperties: ['last_category'] }),
    profileEvent(sourceId, { profile: SECOND_PROFILE, callType: 'REMOVED', timestamp: 3 }),
  ];
}
