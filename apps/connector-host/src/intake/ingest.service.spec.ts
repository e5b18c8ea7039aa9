import { HostTracing } from '../observability/host-tracing.js';
import { Logger } from '@nestjs/common';
import type { ConnectorRegistry } from '@event-connectors/connector-sdk';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnderTest } from '../../../../test/support/store-under-test.js';
import { STORE_ENGINES } from '../../../../test/support/postgres.js';
import { ForbiddenError, InvalidInputError, LimitExceededError, RetryLaterError, UnprocessableError } from '../common/domain-errors.js';
import { type HostConfig, readHostConfig } from '../config/host.config.js';
import type { BindingsRepository } from '../store/repositories/bindings.repository.js';
import type { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { RoutingVersion } from '../store/repositories/routing-version.js';
import { EventRouter } from './event-router.js';
import { EventsRequestValidator } from './events-request.validator.js';
import { GroupCommit } from './group-commit.js';
import { IngestService } from './ingest.service.js';
import { IntakeBudget } from './intake-budget.js';
import { IntakeGate } from './intake-gate.js';
import { type IntakeRefusal, IntakeNotifications } from './intake-notifications.js';
import { SiteBacklogQuota } from './site-backlog-quota.js';
import { ConnectorBacklogCap } from './connector-backlog-cap.js';
import { BacklogCapRefusals } from './backlog-cap-refusals.js';
import { DeliveryHealthRepository } from '../store/alerts/delivery-health.repository.js';
import { connectorRow } from '../../../../test/support/connector-row.js';
import { fakeConnectorRegistry } from '../../../../test/support/fake-registry.js';

const SITE = 1234;
const SOURCE = 'dc0beb89-2d63-4ec7-899a-6e986ed8932f';
const UNBOUND = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const CLIENT = 'client-1';

/** One event as the platform posts it; `partnerIds` of partner 33 make one message each for a bound connector. */
const event = (partnerIds: Record<string, string[]> = { '33': ['4'] }, sourceId = SOURCE, siteNumber = SITE) => ({
  siteNumber,
  sourceId,
  callType: 'NEW',
  timestamp: 1234567890,
  profile: { profileId: 'profile-1', partnerIds, properties: { last_category: '5678' } },
});
const body = (...events: ReturnType<typeof event>[]) => ({ events });

beforeAll(() => Logger.overrideLogger(false));

describe.each(STORE_ENGINES)('IngestService on %s', (engine) => {
  let registry: ConnectorRegistry;
  let store: StoreUnderTest;
  let routing: RoutingVersion;
  let connectors: ConnectorsRepository;
  let bindings: BindingsRepository;

  beforeAll(async () => {
    registry = await fakeConnectorRegistry();
  });
  beforeEach(async () => {
    store = await StoreUnderTest.create(engine);
    routing = new RoutingVersion();
    connectors = store.engineStore.connectors(routing);
    bindings = store.engineStore.bindings(routing);
    await connect('c1');
  });
  afterEach(() => store.remove());

  /** A fake connector of SITE (partner 33) bound to SOURCE. */
  async function connect(id: string, enabled = 1): Promise<void> {
    await connectors.insert(connectorRow({ id, site_number: SITE, partner_number: 33, enabled }));
    await bindings.insert({
      id: `binding-of-${id}`,
      connector_id: id,
      site_number: SITE,
      source_type: 'audience',
      source_id: SOURCE,
      source_number: 123,
      source_label: 'Frequent buyers',
      source_name: 'some name',
      profile_variables: JSON.stringify([{ name: 'lastCategory', property: 'last_category' }]),
      properties: '{}',
      created_at: 0,
    });
  }

  /** The service with its real collaborators over the store under test. */
  function intake(overrides: Partial<HostConfig> = {}) {
    const config: HostConfig = { ...readHostConfig({}), ...overrides };
    const notifications = new IntakeNotifications();
    const refusals: IntakeRefusal[] = [];
    notifications.refused$.subscribe((refusal) => refusals.push(refusal));
    const tracing = new HostTracing(config);
    const commits = new GroupCommit(store.outbox, notifications, tracing);
    const gate = new IntakeGate();
    const service = new IngestService(
      config,
      new EventsRequestValidator(config),
      new EventRouter(bindings, registry, config),
      commits,
      store.engineStore.idempotency(),
      gate,
      new IntakeBudget(config),
      notifications,
      new SiteBacklogQuota(config, store.outbox, commits, connectors, routing),
      new ConnectorBacklogCap(
        config,
        store.outbox,
        commits,
        new BacklogCapRefusals(new DeliveryHealthRepository(store.engineStore.database)),
      ),
      tracing,
    );
    return { service, gate, refusals };
  }

  const pending = (connectorId = 'c1') => store.outbox.pendingCount(connectorId);
  const partnerIdsStored = async () =>
    [...(await store.outbox.head('c1', 10_000, 1))].map((message) => (JSON.parse(message.body) as { partnerIds: string[] }).partnerIds);

  it("answers 202 once the request's messages are in the outbox, with a receipt of events taken, messages routed and skips", async () => {
    const { service } = intake();
    const answer = await service.ingest(body(event({ '33': ['4', '5'] }), event({ '33': ['6'] }, UNBOUND)), CLIENT);
    const pendingWhenAnswered = pending();
    expect(answer).toEqual({ status: 202, receipt: { accepted: 2, routed: 2, skipped: { total: 1, no_binding: 1 } }, replayed: false });
    expect(pendingWhenAnswered).toBe(2);
    expect(await partnerIdsStored()).toEqual([['4'], ['5']]);
  });

  it('answers a repeated Idempotency-Key with the first answer and stores nothing, even while the first waits for its commit', async () => {
    const { service } = intake();
    const request = body(event());
    const [first, concurrent] = await Promise.all([service.ingest(request, CLIENT, 'key-1'), service.ingest(request, CLIENT, 'key-1')]);
    const later = await service.ingest(request, CLIENT, 'key-1');
    expect(first).toMatchObject({ status: 202, replayed: false });
    expect(concurrent).toEqual({ ...first, replayed: true });
    expect(later).toEqual({ ...first, replayed: true });
    expect(pending()).toBe(1);
  });

  it('refuses the same Idempotency-Key with another body (422), whether the first is committed or still waiting', async () => {
    const { service } = intake();
    const [first, concurrent] = await Promise.allSettled([
      service.ingest(body(event({ '33': ['4'] })), CLIENT, 'key-1'),
      service.ingest(body(event({ '33': ['5'] })), CLIENT, 'key-1'),
    ]);
    expect(first.status).toBe('fulfilled');
    expect((concurrent as PromiseRejectedResult).reason).toBeInstanceOf(UnprocessableError);
    await expect(service.ingest(body(event({ '33': ['6'] })), CLIENT, 'key-1')).rejects.toBeInstanceOf(UnprocessableError);
    expect(await partnerIdsStored()).toEqual([['4']]);
  });

  it("keeps Idempotency-Keys per site scope: a site-limited token's key never answers another scope's request", async () => {
    const { service } = intake();
    const request = body(event());
    expect((await service.ingest(request, CLIENT, 'key-1', SITE)).replayed).toBe(false);
    expect((await service.ingest(request, CLIENT, 'key-1')).replayed).toBe(false);
    expect((await service.ingest(request, CLIENT, 'key-1', SITE)).replayed).toBe(true);
    expect(pending()).toBe(2);
  });

  it('refuses with 503 and stores nothing once the gate closed for shutdown, or on a delivery-only instance', async () => {
    const closing = intake();
    closing.gate.onModuleDestroy();
    await expect(closing.service.ingest(body(event()), CLIENT)).rejects.toBeInstanceOf(RetryLaterError);
    const deliveryOnly = intake({ role: 'delivery' });
    await expect(deliveryOnly.service.ingest(body(event()), CLIENT)).rejects.toBeInstanceOf(RetryLaterError);
    expect(pending()).toBe(0);
    // The same host opened again takes the request.
    expect((await intake().service.ingest(body(event()), CLIENT)).status).toBe(202);
  });

  it('refuses a request past a connector backlog cap whole: 429 counting requests still waiting to commit, 413 when alone too big', async () => {
    const { service, refusals } = intake({ maxBacklogPerConnector: 3 });
    const twoMessages = body(event({ '33': ['4', '5'] }));
    const [first, second] = await Promise.allSettled([service.ingest(twoMessages, CLIENT), service.ingest(twoMessages, CLIENT)]);
    expect(first.status).toBe('fulfilled');
    const busy = (second as PromiseRejectedResult).reason as LimitExceededError;
    expect(busy).toBeInstanceOf(LimitExceededError);
    expect([busy.kind, busy.limit, busy.connectorId]).toEqual(['busy', { name: 'MAX_BACKLOG_PER_CONNECTOR', max: 3, actual: 4 }, 'c1']);
    expect(pending()).toBe(2);

    const alone = await service.ingest(body(event({ '33': ['1', '2', '3', '4'] })), CLIENT).catch((error: unknown) => error);
    expect((alone as LimitExceededError).kind).toBe('tooLarge');
    expect(refusals).toEqual([
      { limit: 'MAX_BACKLOG_PER_CONNECTOR', connectorId: 'c1' },
      { limit: 'MAX_BACKLOG_PER_CONNECTOR', connectorId: 'c1' },
    ]);
    expect(pending()).toBe(2);
  });

  // Only instances sharing a PostgreSQL can commit what each other's counts have not heard of yet.
  if (engine === 'postgres')
    it('near a bound, lets the store have the last word: messages another instance committed unseen refuse the request at commit', async () => {
      const { service, refusals } = intake({ maxBacklogPerConnector: 4 });
      expect((await service.ingest(body(event({ '33': ['1', '2'] })), CLIENT)).status).toBe(202);
      // Another instance's commit, which this one's counts have not heard of yet.
      await store.outbox.commitGroup([
        { messages: [1, 2].map((n) => ({ connectorId: 'c1', partitionKey: `other-${n}`, sourceId: SOURCE, body: '{}' })), acceptedAt: 1 },
      ]);
      expect(pending()).toBe(2);
      const refused = await service.ingest(body(event({ '33': ['3'] })), CLIENT, 'near-the-cap').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(LimitExceededError);
      expect((refused as LimitExceededError).limit).toEqual({ name: 'MAX_BACKLOG_PER_CONNECTOR', max: 4, actual: 5 });
      expect(refusals).toEqual([{ limit: 'MAX_BACKLOG_PER_CONNECTOR', connectorId: 'c1' }]);
      await store.outbox.recount();
      expect(pending()).toBe(4);
      // Nothing of it was kept, its key neither: the same request is taken once there is room.
      expect(await store.engineStore.idempotency().lookup(`*:near-the-cap`, 0)).toBeUndefined();
    });

  it("reports skips by reason in the receipt and counts each connector's own skips in its traffic statistics", async () => {
    await connect('c2', 0);
    const { service } = intake();
    const answer = await service.ingest(body(event({ '44': ['9'] }), event(), event({ '33': ['5'] }, UNBOUND)), CLIENT);
    expect(answer.receipt).toEqual({
      accepted: 3,
      routed: 1,
      skipped: { total: 4, no_partner_ids: 1, connector_disabled: 2, no_binding: 1 },
    });
    const skips = async (connectorId: string) =>
      (await store.traffic.daily(connectorId, '1970-01-01'))
        .filter((row) => row.metric.startsWith('skipped.'))
        .map((row) => [row.metric, row.count]);
    expect(await skips('c1')).toEqual([['skipped.no_partner_ids', 1]]);
    expect(await skips('c2')).toEqual([['skipped.connector_disabled', 2]]);
  });

  it('refuses an event of another site on a site-limited token (403) and a malformed Idempotency-Key (400), storing nothing', async () => {
    const { service } = intake();
    const refused = await service
      .ingest(body(event(), event(undefined, SOURCE, 99)), CLIENT, undefined, SITE)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect((refused as ForbiddenError).errors?.map((error) => error.field)).toEqual(['events[1].siteNumber']);
    await expect(service.ingest(body(event()), CLIENT, 'has a space')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.ingest(body(event()), CLIENT, 'k'.repeat(256))).rejects.toBeInstanceOf(InvalidInputError);
    expect(pending()).toBe(0);
  });
});
