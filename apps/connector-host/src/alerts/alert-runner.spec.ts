import { Logger } from '@nestjs/common';
import { sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectorRow } from '../../../../test/support/connector-row.js';
import { STORE_ENGINES } from '../../../../test/support/postgres.js';
import { StoreUnderTest } from '../../../../test/support/store-under-test.js';
import { type HostConfig, readHostConfig } from '../config/host.config.js';
import { ConnectorChanges } from '../setups/connector-changes.js';
import { AlertStatesRepository } from '../store/alerts/alert-states.repository.js';
import { DeliveryHealthRepository } from '../store/alerts/delivery-health.repository.js';
import type { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { ALERT_CHANNEL_ID } from './alert-channel.js';
import { AlertRunner } from './alert-runner.js';

// The runner over a real store of each engine: what it commits to the alert channel's backlog, and that a crash
// between an alert's commit and its record, or two instances deciding at once, never alert a state change twice.

const TENANT = 'c0ffee00-0000-4000-8000-000000000001';
const SECOND = 1000;

beforeAll(() => Logger.overrideLogger(false));

describe.each(STORE_ENGINES)('AlertRunner on %s', (engine) => {
  let store: StoreUnderTest;
  let connectors: ConnectorsRepository;
  let health: DeliveryHealthRepository;
  let changes: ConnectorChanges;
  const config: HostConfig = readHostConfig({
    ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/alerts',
    ALERT_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    ALERT_FAILING_AFTER: '1s',
    AUTO_DISABLE_AFTER: '1m',
  });

  const runner = () =>
    new AlertRunner(
      config,
      new AlertStatesRepository(store.database),
      connectors,
      changes,
      store.outbox,
      store.engineStore.idempotency(),
      store.ownership,
    );

  /** The alerts in the channel's backlog, oldest first. */
  const sent = async () =>
    [...(await store.outbox.head(ALERT_CHANNEL_ID, 100, 1))].map((message) => ({
      key: message.partition_key,
      ...(JSON.parse(message.body) as { type: string; data: { connectorId: string; siteNumber: number; details: object } }),
    }));
  const state = async () =>
    store.database.db.selectFrom('alert_states').select(['state', 'seq']).where('connector_id', '=', TENANT).executeTakeFirst();

  beforeEach(async () => {
    store = await StoreUnderTest.create(engine);
    connectors = store.engineStore.connectors();
    health = new DeliveryHealthRepository(store.database);
    changes = new ConnectorChanges();
    await connectors.insert(connectorRow({ id: ALERT_CHANNEL_ID, type: 'webhook', site_number: 0 }));
    await connectors.insert(connectorRow({ id: TENANT, site_number: 42, name: 'Orders' }));
  });
  afterEach(() => store.remove());

  it('alerts a failing connector once, into the alert channel, keyed by the connector, then its recovery', async () => {
    const t = Date.now();
    await health.recordFailures([{ connectorId: TENANT, streakStart: t, at: t + 500, code: 'HTTP_503', message: 'down' }]);
    await runner().evaluate(t + 900);
    expect(await sent()).toEqual([]);
    await runner().evaluate(t + 1000);
    expect(await sent()).toEqual([
      {
        key: TENANT,
        type: 'connector.failing',
        timestamp: new Date(t + 1000).toISOString(),
        data: expect.objectContaining({ connectorId: TENANT, siteNumber: 42, connectorName: 'Orders' }),
      },
    ]);
    expect(await state()).toEqual({ state: 'failing', seq: 1 });
    await runner().evaluate(t + 2000);
    expect(await sent()).toHaveLength(1);

    await health.recordSuccesses([{ connectorId: TENANT, at: t + 2500 }]);
    await runner().evaluate(t + 3000);
    expect((await sent()).map((alert) => alert.type)).toEqual(['connector.failing', 'connector.recovered']);
    expect(await state()).toEqual({ state: 'ok', seq: 2 });
  });

  it('records, after a crash between an alert and its record, the alert that was committed, and sends nothing twice', async () => {
    const t = Date.now();
    await health.recordFailures([{ connectorId: TENANT, streakStart: t, at: t, code: 'HTTP_503', message: 'down' }]);
    await runner().evaluate(t + 1000);
    // As if the host died after the commit: the record of the alert is not there.
    await sql`DELETE FROM alert_states`.execute(store.database.db);
    // Meanwhile it was paused: the next look must still record the failing alert first, not send another.
    await connectors.update(TENANT, { paused_reason: 'HTTP_401: refused', paused_at: t + 1500 });
    await runner().evaluate(t + 2000);
    expect((await sent()).map((alert) => alert.type)).toEqual(['connector.failing']);
    expect(await state()).toEqual({ state: 'failing', seq: 1 });
    await runner().evaluate(t + 2100);
    expect((await sent()).map((alert) => alert.type)).toEqual(['connector.failing', 'connector.paused']);
  });

  it('disables a connector failing for AUTO_DISABLE_AFTER, its backlog kept', async () => {
    const t = Date.now();
    await health.recordFailures([{ connectorId: TENANT, streakStart: t, at: t + 59 * SECOND, code: 'HTTP_503', message: 'down' }]);
    const told: string[] = [];
    changes.changed$.subscribe((id) => told.push(id));
    await runner().evaluate(t + 60 * SECOND);
    expect((await sent()).map((alert) => alert.type)).toEqual(['connector.disabled']);
    expect((await connectors.get(TENANT))?.enabled).toBe(0);
    expect(told).toEqual([TENANT]);
    // As if the host died after the commit, before disabling and recording: the next look finishes both.
    await connectors.update(TENANT, { enabled: 1 });
    await sql`DELETE FROM alert_states`.execute(store.database.db);
    await runner().evaluate(t + 60 * SECOND + 100);
    expect((await connectors.get(TENANT))?.enabled).toBe(0);
    expect(await state()).toEqual({ state: 'disabled', seq: 1 });
    // Enabled again by its tenant (what ConnectorSetupsService does): a new start, no alert, the old streak forgotten,
    // even with no success to end it (an empty backlog).
    await health.startAfresh(TENANT, t + 61 * SECOND);
    await new AlertStatesRepository(store.database).enabledAgain(TENANT, t + 61 * SECOND);
    await connectors.update(TENANT, { enabled: 1 });
    // A round in flight when it was disabled, written late, does not bring its old streak back.
    await health.recordFailures([{ connectorId: TENANT, streakStart: t, at: t + 61 * SECOND + 500, code: 'HTTP_503', message: 'down' }]);
    await runner().evaluate(t + 61 * SECOND);
    await runner().evaluate(t + 62 * SECOND);
    expect((await sent()).map((alert) => alert.type)).toEqual(['connector.disabled']);
    expect((await connectors.get(TENANT))?.enabled).toBe(1);
    expect(await state()).toEqual({ state: 'ok', seq: 2 });
    // Failing again from then on: the streak starts anew (not from before the disabling).
    await health.recordFailures([
      { connectorId: TENANT, streakStart: t + 70 * SECOND, at: t + 70 * SECOND, code: 'HTTP_503', message: 'down' },
    ]);
    await runner().evaluate(t + 71 * SECOND);
    expect((await sent()).map((alert) => alert.type)).toEqual(['connector.disabled', 'connector.failing']);
  });

  it('sends one alert when looks decide the same change at once: instances sharing PostgreSQL, or one host looking twice', async () => {
    const t = Date.now();
    await health.recordFailures([{ connectorId: TENANT, streakStart: t, at: t, code: 'HTTP_503', message: 'down' }]);
    // SQLite has one host, whose looks never overlap; on PostgreSQL, three instances race under the same key.
    const one = runner();
    const runners = engine === 'postgres' ? [runner(), runner(), runner()] : [one, one, one];
    await Promise.all(runners.map((each, index) => each.evaluate(t + 1000 + index)));
    expect((await sent()).map((alert) => alert.type)).toEqual(['connector.failing']);
    expect(await state()).toEqual({ state: 'failing', seq: 1 });
  });
});
