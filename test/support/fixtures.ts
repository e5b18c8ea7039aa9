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
