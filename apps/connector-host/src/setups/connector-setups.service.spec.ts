import { randomBytes } from 'node:crypto';
import type { ConnectorRegistry } from '@event-connectors/connector-sdk';
import { FakeDestinations } from '@event-connectors/connector-sdk/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnderTest } from '../../../../test/support/store-under-test.js';
import { ForbiddenError, InvalidInputError, LimitExceededError, NotFoundError, UnprocessableError } from '../common/domain-errors.js';
import type { HostConfig } from '../config/host.config.js';
import { SecretBox } from '../secrets/secret-box.js';
import type { BindingsRepository } from '../store/repositories/bindings.repository.js';
import type { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { RoutingVersion } from '../store/repositories/routing-version.js';
import { SiteIdentitiesRepository } from '../store/repositories/site-identities.repository.js';
import { ConnectorChanges } from './connector-changes.js';
import { ConnectorInstancesService } from './connector-instances.service.js';
import { ConnectorSetupsService, type NewConnector } from './connector-setups.service.js';
import { SetupSettings } from './setup-settings.js';
import { SiteClaims } from './site-claims.js';
import { TenantIdentities } from './tenant-identities.js';
import { fakeConnectorRegistry } from '../../../../test/support/fake-registry.js';
import { AlertStatesRepository } from '../store/alerts/alert-states.repository.js';
import { DeliveryHealthRepository } from '../store/alerts/delivery-health.repository.js';

const SITE = 1234;
const TOKEN = 'the-first-secret-token';
const config = {
  checkTimeoutMs: 5000,
  limits: { connectorsPerSite: 2 },
  delivery: { maxMessageAgeMs: 86_400_000, retryBaseMs: 200, retryMaxMs: 30_000, maxInFlight: 4 },
} as HostConfig;
const destinations = new FakeDestinations();
const form = (destination: string, overrides: Partial<NewConnector> = {}): NewConnector => ({
  type: 'fake',
  siteNumber: SITE,
  name: 'Customer destination',
  partnerNumber: 33,
  settings: { destination, token: TOKEN },
  ...overrides,
});
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('ConnectorSetupsService', () => {
  let registry: ConnectorRegistry;
  let store: StoreUnderTest;
  let connectors: ConnectorsRepository;
  let bindings: BindingsRepository;
  let box: SecretBox;
  let changes: ConnectorChanges;
  let instances: ConnectorInstancesService;
  let service: ConnectorSetupsService;
  let health: DeliveryHealthRepository;
  let alertStates: AlertStatesRepository;

  beforeAll(async () => {
    registry = await fakeConnectorRegistry(destinations);
  });
  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    const routing = new RoutingVersion();
    connectors = store.engineStore.connectors(routing);
    bindings = store.engineStore.bindings(routing);
    box = new SecretBox(randomBytes(32));
    changes = new ConnectorChanges();
    instances = new ConnectorInstancesService(registry, box, changes, store.traffic, config);
    const identities = new SiteIdentitiesRepository(store.database);
    const settings = new SetupSettings(box, new TenantIdentities(identities));
    const claims = new SiteClaims(identities, connectors);
    health = new DeliveryHealthRepository(store.database);
    alertStates = new AlertStatesRepository(store.database);
    service = new ConnectorSetupsService(
      registry,
      connectors,
      instances,
      changes,
      store.outbox,
      box,
      config,
      settings,
      claims,
      health,
      alertStates,
    );
  });
  afterEach(async () => {
    await instances.onApplicationShutdown();
    await store.remove();
  });

  it('stores a created set-up with its secret sealed to its id, and shows the secret only as tokenSet', async () => {
    const saved = await service.create(form('sealed'));
    expect(saved).toMatchObject({ type: 'fake', siteNumber: SITE, partnerNumber: 33, enabled: true, paused: null, check: { ok: true } });
    expect(saved.settings).toEqual({ destination: 'sealed', tokenSet: true });
    const row = await connectors.get(saved.id);
    expect(row?.settings).not.toContain(TOKEN);
    expect(row?.secrets).not.toContain(TOKEN);
    expect(box.open(row!.secrets, saved.id)).toEqual({ token: TOKEN });
    expect(() => box.open(row!.secrets, 'another-connector')).toThrow();
    const shown = JSON.stringify([saved, await service.get(saved.id), await service.list({ siteNumber: SITE })]);
    expect(shown).not.toContain(TOKEN);
  });

  it('refuses an invalid form or an unknown type naming the failing fields, and saves nothing', async () => {
    const invalid = await failure(service.create(form('sealed', { settings: { destination: 'Not OK', token: 'short' } })));
    expect(invalid).toBeInstanceOf(InvalidInputError);
    expect((invalid as InvalidInputError).errors.map((error) => error.field)).toEqual(['settings.destination', 'settings.token']);
    const unknown = await failure(service.create(form('sealed', { type: 'carrier-pigeon' })));
    expect(unknown).toBeInstanceOf(InvalidInputError);
    expect((unknown as InvalidInputError).errors).toEqual([{ field: 'type', message: expect.stringContaining('fake') as string }]);
    expect(await service.list({ siteNumber: SITE })).toEqual([]);
  });

  it('keeps the stored token when a change leaves it out, and asks for it again when the destination changes', async () => {
    destinations.get('guarded').expectedToken = TOKEN;
    const saved = await service.create(form('guarded'));
    // The destination only lets the stored token in: a passing check proves the change kept it.
    const renamed = await service.update(saved.id, { name: 'Renamed', settings: { destination: 'guarded' } });
    expect(renamed).toMatchObject({ name: 'Renamed', settings: { destination: 'guarded', tokenSet: true }, check: { ok: true } });
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThan(Date.parse(saved.updatedAt));
    const moved = await failure(service.update(saved.id, { settings: { destination: 'elsewhere' } }));
    expect(moved).toBeInstanceOf(InvalidInputError);
    expect((moved as InvalidInputError).errors).toEqual([
      { field: 'settings.token', message: 'settings.token must be given again when destination changes' },
    ]);
    const cleared = await failure(service.update(saved.id, { settings: { token: null } }));
    expect((cleared as InvalidInputError).errors.map((error) => error.field)).toEqual(['settings.token']);
    expect(box.open((await connectors.get(saved.id))!.secrets, saved.id)).toEqual({ token: TOKEN });
    await service.update(saved.id, { settings: { destination: 'elsewhere', token: 'the-second-secret-token' } });
    expect(box.open((await connectors.get(saved.id))!.secrets, saved.id)).toEqual({ token: 'the-second-secret-token' });
    expect(await failure(service.update(saved.id, {}))).toBeInstanceOf(InvalidInputError);
  });

  it("refuses a site's set-up past MAX_CONNECTORS_PER_SITE as a quota, counting each site apart", async () => {
    const first = await service.create(form('quota'));
    await service.create(form('quota'));
    const refused = await failure(service.create(form('quota')));
    expect(refused).toBeInstanceOf(LimitExceededError);
    expect(refused).toMatchObject({ kind: 'quota', limit: { name: 'MAX_CONNECTORS_PER_SITE', max: 2, actual: 3 } });
    expect((refused as LimitExceededError).errors.map((error) => error.field)).toEqual(['siteNumber']);
    expect(await service.list({ siteNumber: SITE })).toHaveLength(2);
    await service.create(form('quota', { siteNumber: 99 }));
    await service.delete(first.id);
    await service.create(form('quota'));
  });

  it('keeps creates racing each other within MAX_CONNECTORS_PER_SITE: the count and the insert are one', async () => {
    const results = await Promise.allSettled([service.create(form('race')), service.create(form('race')), service.create(form('race'))]);
    expect(results.filter((result) => result.status === 'rejected').map((result) => result.reason)).toEqual([
      expect.objectContaining({ kind: 'quota', limit: { name: 'MAX_CONNECTORS_PER_SITE', max: 2, actual: 3 } }),
    ]);
    expect(await service.list({ siteNumber: SITE })).toHaveLength(2);
  });

  it('deletes a set-up with its bindings and tells whoever holds its state; it is then not found', async () => {
    const saved = await service.create(form('deleted'));
    await bindings.insert({
      id: 'b1',
      connector_id: saved.id,
      site_number: SITE,
      source_type: 'journey',
      source_id: 'dc0beb89-2d63-4ec7-899a-6e986ed8932f',
      source_number: null,
      source_label: 'step',
      source_name: null,
      profile_variables: '[]',
      properties: '{}',
      created_at: 0,
    });
    const told: string[] = [];
    const subscription = changes.changed$.subscribe((id) => told.push(id));
    await service.delete(saved.id);
    subscription.unsubscribe();
    expect(told).toEqual([saved.id]);
    expect(await connectors.get(saved.id)).toBeUndefined();
    expect(await bindings.list({ connectorId: saved.id })).toEqual([]);
    expect(await failure(service.get(saved.id))).toBeInstanceOf(NotFoundError);
    expect(await failure(service.delete(saved.id))).toBeInstanceOf(NotFoundError);
  });

  it("keeps a site-limited caller to its own site: it may not create for another, and another's set-up is not found", async () => {
    expect(await failure(service.create(form('limited'), false, 99))).toBeInstanceOf(ForbiddenError);
    const saved = await service.create(form('limited'));
    expect(await failure(service.get(saved.id, 99))).toBeInstanceOf(NotFoundError);
    expect(await failure(service.update(saved.id, { name: 'taken' }, false, 99))).toBeInstanceOf(NotFoundError);
    expect(await failure(service.delete(saved.id, 99))).toBeInstanceOf(NotFoundError);
    expect(await service.list({}, 99)).toEqual([]);
    expect(await service.list({ siteNumber: SITE }, 99)).toEqual([]);
    expect((await service.get(saved.id, SITE)).name).toBe('Customer destination');
  });

  it('with strict, refuses a set-up whose check fails and saves nothing; without, saves it beside the failed check', async () => {
    const problem = { code: 'endpoint_unreachable', message: 'nothing listens there' };
    destinations.get('unreachable').answerCheck({ ok: false, problem, details: {} });
    const refused = await failure(service.create(form('unreachable'), true));
    expect(refused).toBeInstanceOf(UnprocessableError);
    expect((refused as UnprocessableError).check?.problem).toEqual(problem);
    expect(await service.list({ siteNumber: SITE })).toEqual([]);
    const saved = await service.create(form('unreachable', { enabled: false }));
    expect(saved).toMatchObject({ enabled: false, check: { ok: false, problem } });
    expect(await service.list({ siteNumber: SITE })).toHaveLength(1);
  });

  it('leaves a paused set-up paused after a failing check, resumes it after a passing one, and on resume', async () => {
    const destination = destinations.get('pausing');
    const saved = await service.create(form('pausing'));
    const pause = () => connectors.update(saved.id, { paused_reason: 'credentials_rejected', paused_at: 1000 });
    await pause();
    expect((await service.get(saved.id)).paused).toEqual({ reason: 'credentials_rejected', at: new Date(1000).toISOString() });
    destination.answerCheck({ ok: false, problem: { code: 'credentials_rejected', message: 'no' }, details: {} });
    expect((await service.check(saved.id)).ok).toBe(false);
    expect((await service.get(saved.id)).paused?.reason).toBe('credentials_rejected');
    destination.answerCheck();
    expect((await service.check(saved.id)).ok).toBe(true);
    expect((await service.get(saved.id)).paused).toBeNull();
    await pause();
    expect((await service.resume(saved.id)).paused).toBeNull();
    expect((await connectors.get(saved.id))?.paused_reason).toBeNull();
  });

  it("forgets a failure streak and a disabling by the host when its tenant enables a set-up again; refuses the host's own", async () => {
    const saved = await service.create(form('enabled-again', { enabled: false }));
    await health.recordFailures([{ connectorId: saved.id, streakStart: 1000, at: 2000, code: 'HTTP_503', message: 'down' }]);
    await store.database.db
      .insertInto('alert_states')
      .values({ connector_id: saved.id, state: 'disabled', seq: 3, since: 2000, changed_at: 2000, dead_letters_at: null, capped_at: null })
      .execute();
    await service.update(saved.id, { name: 'renamed' });
    expect((await store.database.db.selectFrom('alert_states').select(['state', 'seq']).executeTakeFirst())?.state).toBe('disabled');
    await service.update(saved.id, { enabled: true });
    expect(await store.database.db.selectFrom('delivery_health').select('failing_since').executeTakeFirst()).toEqual({
      failing_since: null,
    });
    expect(await store.database.db.selectFrom('alert_states').select(['state', 'seq']).executeTakeFirst()).toEqual({ state: 'ok', seq: 4 });
    await connectors.update(saved.id, { site_number: 0 } as never);
    expect(await failure(service.update(saved.id, { enabled: false }))).toBeInstanceOf(ForbiddenError);
    expect(await failure(service.delete(saved.id))).toBeInstanceOf(ForbiddenError);
  });
});
