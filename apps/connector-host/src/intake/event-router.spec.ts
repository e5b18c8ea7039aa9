import type { ConnectorRegistry, RoutingEvent } from '@event-connectors/connector-sdk';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnderTest } from '../../../../test/support/store-under-test.js';
import { LimitExceededError } from '../common/domain-errors.js';
import type { HostConfig } from '../config/host.config.js';
import type { TenantLimits } from '../config/tenant-limits.config.js';
import type { BindingsRepository } from '../store/repositories/bindings.repository.js';
import type { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { RoutingVersion } from '../store/repositories/routing-version.js';
import { EventRouter } from './event-router.js';
import { connectorRow } from '../../../../test/support/connector-row.js';
import { fakeConnectorRegistry } from '../../../../test/support/fake-registry.js';

const SITE = 1234;
const SOURCE = 'dc0beb89-2d63-4ec7-899a-6e986ed8932f';
const LIMITS = { messagesPerRequest: 1000, routedBytesPerRequest: 1024 * 1024, messageBytes: 64 * 1024 };

const event = (overrides: Partial<RoutingEvent> = {}): RoutingEvent => ({
  siteNumber: SITE,
  sourceId: SOURCE,
  callType: 'NEW',
  timestamp: 1234567890,
  profile: { profileId: 'profile-1', partnerIds: { '33': ['4'] }, properties: { last_category: '5678' } },
  ...overrides,
});

describe('EventRouter', () => {
  let registry: ConnectorRegistry;
  let store: StoreUnderTest;
  let connectors: ConnectorsRepository;
  let bindings: BindingsRepository;

  beforeAll(async () => {
    registry = await fakeConnectorRegistry();
  });
  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    const routing = new RoutingVersion();
    connectors = store.engineStore.connectors(routing);
    bindings = store.engineStore.bindings(routing);
  });
  afterEach(() => store.remove());

  const addConnector = (id: string, site = SITE, fields: { enabled?: number; paused_reason?: string } = {}) =>
    connectors.insert(
      connectorRow({
        id,
        site_number: site,
        partner_number: 33,
        enabled: fields.enabled ?? 1,
        paused_reason: fields.paused_reason ?? null,
        paused_at: fields.paused_reason ? 1 : null,
      }),
    );
  /** An audience binding of `connectorId` to SOURCE; `site` may differ from its connector's only to test the guard. */
  const bind = (connectorId: string, site = SITE) =>
    bindings.insert({
      id: `binding-of-${connectorId}`,
      connector_id: connectorId,
      site_number: site,
      source_type: 'audience',
      source_id: SOURCE,
      source_number: 123,
      source_label: 'Frequent buyers',
      source_name: 'some name',
      profile_variables: JSON.stringify([{ name: 'lastCategory', property: 'last_category' }]),
      properties: JSON.stringify({ custom: 'variable', another: 123 }),
      created_at: 0,
    });
  const router = (limits: Partial<TenantLimits> = {}) =>
    new EventRouter(bindings, registry, { limits: { ...LIMITS, ...limits } } as HostConfig);
  const route = async (events: RoutingEvent[]) => {
    const under = router();
    return under.build(await under.plan(events));
  };

  it("builds one documented message per distinct partner id of the connector's partner number", async () => {
    await addConnector('c1');
    await bind('c1');
    const result = await route([
      event({
        profile: { profileId: 'profile-1', partnerIds: { '33': ['4', '5', '4'], '44': ['9'] }, properties: { last_category: '5678' } },
      }),
    ]);
    expect(result.messages.map((message) => [message.connectorId, message.partitionKey, message.sourceId])).toEqual([
      ['c1', 'profile-1', SOURCE],
      ['c1', 'profile-1', SOURCE],
    ]);
    const common = { profileId: 'profile-1', sourceId: SOURCE, partnerNumber: 33, callType: 'NEW', profileVars: { lastCategory: '5678' } };
    const rest = {
      timestamp: 1234567890,
      siteNumber: SITE,
      sourceName: 'some name',
      sourceNumber: 123,
      data: { custom: 'variable', another: 123 },
    };
    expect(result.messages.map((message) => JSON.parse(message.body))).toEqual([
      { ...common, partnerIds: ['4'], ...rest },
      { ...common, partnerIds: ['5'], ...rest },
    ]);
    expect([...result.connectors]).toEqual([['c1', 'fake']]);
    expect(result.skipped).toEqual({});
  });

  it("routes an event to the bindings of its own site only, never through a binding whose connector is another site's", async () => {
    await addConnector('here');
    await bind('here');
    await addConnector('elsewhere', 99);
    await bind('elsewhere', 99);
    await addConnector('moved', 99);
    await bind('moved', SITE); // a binding of site SITE whose connector is site 99's
    const ours = await route([event()]);
    expect(ours.messages.map((message) => message.connectorId)).toEqual(['here']);
    const theirs = await route([event({ siteNumber: 99 })]);
    expect(theirs.messages.map((message) => message.connectorId)).toEqual(['elsewhere']);
    expect(theirs.messages.map((message) => JSON.parse(message.body).siteNumber)).toEqual([99]);
  });

  it('carries each call type into its messages, and skips a MODIFIED event whose changes touch no mapped property', async () => {
    await addConnector('c1');
    await bind('c1');
    const result = await route([
      event({ callType: 'NEW' }),
      event({ callType: 'MODIFIED', changedProperties: ['last_category'] }),
      event({ callType: 'REMOVED' }),
      event({ callType: 'MODIFIED', changedProperties: ['unmapped_property'] }),
      event({ callType: 'MODIFIED' }), // changes unknown: assumed relevant
    ]);
    expect(result.messages.map((message) => JSON.parse(message.body).callType)).toEqual(['NEW', 'MODIFIED', 'REMOVED', 'MODIFIED']);
    expect(result.skipped).toEqual({ unmapped_change: 1 });
    expect(result.skips).toEqual([{ connectorId: 'c1', profileId: 'profile-1', sourceId: SOURCE, reason: 'unmapped_change' }]);
  });

  it("skips a disabled connector's binding as connector_disabled, and still routes to a paused connector (it keeps its backlog)", async () => {
    await addConnector('disabled', SITE, { enabled: 0 });
    await bind('disabled');
    await addConnector('paused', SITE, { paused_reason: 'credentials_rejected' });
    await bind('paused');
    const result = await route([event()]);
    expect(result.messages.map((message) => message.connectorId)).toEqual(['paused']);
    expect(result.skipped).toEqual({ connector_disabled: 1 });
    expect(result.skips).toEqual([{ connectorId: 'disabled', profileId: 'profile-1', sourceId: SOURCE, reason: 'connector_disabled' }]);
    expect([...result.connectors.keys()]).toEqual(['paused']);
  });

  it('skips an event of an unbound source as no_binding naming no connector, and a profile without partner ids as no_partner_ids', async () => {
    await addConnector('c1');
    await bind('c1');
    const result = await route([
      event({ sourceId: '00000000-0000-4000-8000-00000000abcd' }),
      event({ profile: { profileId: 'no-ids', partnerIds: { '44': ['9'] }, properties: {} } }),
    ]);
    expect(result.messages).toEqual([]);
    expect(result.connectors.size).toBe(0);
    expect(result.skipped).toEqual({ no_binding: 1, no_partner_ids: 1 });
    expect(result.skips).toEqual([
      { connectorId: null, profileId: 'profile-1', sourceId: '00000000-0000-4000-8000-00000000abcd', reason: 'no_binding' },
      { connectorId: 'c1', profileId: 'no-ids', sourceId: SOURCE, reason: 'no_partner_ids' },
    ]);
  });

  it('matches a source id given in upper case and routes it under its lower-case form', async () => {
    await addConnector('c1');
    await bind('c1');
    const result = await route([event({ sourceId: SOURCE.toUpperCase() })]);
    expect(result.messages.map((message) => message.sourceId)).toEqual([SOURCE]);
    expect(JSON.parse(result.messages[0].body).sourceId).toBe(SOURCE);
  });

  it('plans exactly what it builds: the messages, their bytes, and each connector share with its partition keys', async () => {
    await addConnector('c1');
    await bind('c1');
    await addConnector('c2', SITE, { paused_reason: 'x' });
    await bind('c2');
    const under = router();
    const plan = await under.plan([
      event({ profile: { profileId: 'prófile-é', partnerIds: { '33': ['4', '5'] }, properties: { last_category: 'ü' } } }),
      event(),
    ]);
    const built = under.build(plan);
    const bodyBytes = (id?: string) =>
      built.messages.filter((m) => id === undefined || m.connectorId === id).reduce((sum, m) => sum + Buffer.byteLength(m.body), 0);
    const keyBytes = (id: string) =>
      built.messages.filter((m) => m.connectorId === id).reduce((sum, m) => sum + Buffer.byteLength(m.partitionKey), 0);
    expect(plan.messages).toBe(6);
    expect(built.messages).toHaveLength(6);
    expect(plan.bytes).toBe(bodyBytes());
    expect(plan.perConnector.get('c1')).toEqual({ siteNumber: SITE, messages: 3, bytes: bodyBytes('c1') + keyBytes('c1') });
    expect(plan.perConnector.get('c2')).toEqual({ siteNumber: SITE, messages: 3, bytes: bodyBytes('c2') + keyBytes('c2') });
  });

  it('refuses a request past MAX_MESSAGES_PER_REQUEST or MAX_ROUTED_BYTES_PER_REQUEST as too large, and takes one at the bound', async () => {
    await addConnector('c1');
    await bind('c1');
    const events = [event(), event(), event()];
    await expect(router({ messagesPerRequest: 3 }).plan(events)).resolves.toMatchObject({ messages: 3 });
    const tooMany = await router({ messagesPerRequest: 2 })
      .plan(events)
      .catch((error: unknown) => error);
    expect(tooMany).toBeInstanceOf(LimitExceededError);
    expect(tooMany).toMatchObject({ kind: 'tooLarge', limit: { name: 'MAX_MESSAGES_PER_REQUEST', max: 2, actual: 3 } });
    const { bytes } = await router().plan(events);
    await expect(router({ routedBytesPerRequest: bytes }).plan(events)).resolves.toMatchObject({ bytes });
    const tooBig = await router({ routedBytesPerRequest: bytes - 1 })
      .plan(events)
      .catch((error: unknown) => error);
    expect(tooBig).toMatchObject({ kind: 'tooLarge', limit: { name: 'MAX_ROUTED_BYTES_PER_REQUEST', max: bytes - 1, actual: bytes } });
  });

  it('refuses a request with an event whose message would pass MAX_MESSAGE_BYTES, naming that event', async () => {
    await addConnector('c1');
    await bind('c1');
    const large = event({
      profile: { profileId: 'profile-1', partnerIds: { '33': ['4'] }, properties: { last_category: 'x'.repeat(2000) } },
    });
    const refused = await router({ messageBytes: 1000 })
      .plan([event(), large])
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LimitExceededError);
    // Its body and its partition key count.
    const actual = (await router().plan([large])).bytes + Buffer.byteLength('profile-1');
    expect(refused).toMatchObject({ kind: 'tooLarge', limit: { name: 'MAX_MESSAGE_BYTES', max: 1000, actual } });
    expect((refused as LimitExceededError).errors.map((error) => error.field)).toEqual(['events[1]']);
    await expect(router({ messageBytes: 1000 }).plan([event()])).resolves.toMatchObject({ messages: 1 });
  });
});
