import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectorInstance, DeliveryMessage, EventConnector } from '../event-connector.js';
import { settingsJsonSchema } from '../settings/settings-schema.js';
import { validateSettings } from '../settings/validate-settings.js';

/** What a connector's own test hands the contract kit: the connector and set-ups against a real peer. */
export interface ConnectorContractOptions {
  connector: () => EventConnector;
  /** A settings form that validates and points at a reachable, ready destination. */
  liveSettings: () => Record<string, unknown>;
  /** A settings form that validates but whose destination cannot be reached. */
  unreachableSettings: () => Record<string, unknown>;
  /** Reads back, in arrival order, the bodies the destination holds for `partitionKey`. */
  readBack: (settings: Record<string, unknown>, partitionKey: string) => Promise<string[]>;
}

let sequence = 0;

/**
 * The behaviour every `EventConnector` promises, run against a real destination.
 * Call it inside a connector's spec file: `runConnectorContract({ … })`.
 */
export function runConnectorContract(options: ConnectorContractOptions): void {
  const opened: ConnectorInstance[] = [];
  const open = (settings: Record<string, unknown>): ConnectorInstance => {
    const connector = options.connector();
    const validation = validateSettings(connector, settings);
    if (!validation.ok) throw new Error(`contract kit: settings do not validate: ${JSON.stringify(validation.errors)}`);
    const instance = connector.open({ id: `contract-${++sequence}`, settings: validation.settings });
    opened.push(instance);
    return instance;
  };
  const messages = (key: string, count: number): DeliveryMessage[] =>
    Array.from({ length: count }, (_, i) => ({ id: String(i), partitionKey: key, body: JSON.stringify({ key, i }) }));

  describe(`EventConnector contract: ${options.connector().type}`, () => {
    afterAll(async () => {
      await Promise.all(opened.map((instance) => instance.close()));
    });

    it('has a kebab-case type id and a display name', () => {
      const connector = options.connector();
      expect(connector.type).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(connector.displayName.trim()).not.toBe('');
    });

    it('validates its live settings and refuses an empty form field by field', () => {
      const connector = options.connector();
      expect(validateSettings(connector, options.liveSettings()).ok).toBe(true);
      const empty = validateSettings(connector, {});
      expect(empty.ok).toBe(false);
      const required = (settingsJsonSchema(connector).required as string[] | undefined) ?? [];
      expect(required.length).toBeGreaterThan(0);
      const failing = new Set(empty.ok ? [] : empty.errors.map((error) => error.field));
      for (const field of required) expect(failing).toContain(`settings.${field}`);
    });

    it('marks every secret field write-only in its settings schema', () => {
      const connector = options.connector();
      const properties = settingsJsonSchema(connector).properties as Record<string, Record<string, unknown>>;
      for (const field of connector.secretFields) expect(properties[field]).toMatchObject({ writeOnly: true });
    });

    it('declares positive integer limits', () => {
      const { limits } = open(options.liveSettings());
      expect(Number.isInteger(limits.maxBatchMessages) && limits.maxBatchMessages > 0).toBe(true);
      expect(Number.isInteger(limits.maxBatchBytes) && limits.maxBatchBytes > 0).toBe(true);
    });

    it('check() accepts a live set-up', async () => {
      const result = await open(options.liveSettings()).check();
      expect(result.problem).toBeUndefined();
      expect(result.ok).toBe(true);
    });

    it('check() reports an unreachable set-up as a named problem instead of throwing', async () => {
      const result = await open(options.unreachableSettings()).check();
      expect(result.ok).toBe(false);
      expect(result.problem?.code).toMatch(/\S/);
      expect(result.problem?.message).toMatch(/\S/);
    });

    it('deliver([]) answers [] without I/O', async () => {
      expect(await open(options.unreachableSettings()).deliver([])).toEqual([]);
    });

    it('delivers a batch of one', async () => {
      const key = `contract-one-${Date.now()}`;
      const settings = options.liveSettings();
      const outcomes = await open(settings).deliver(messages(key, 1));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered']);
      expect(await options.readBack(settings, key)).toEqual([JSON.stringify({ key, i: 0 })]);
    });

    it('delivers a batch with one outcome per message, in order, and the destination keeps that order', async () => {
      const key = `contract-many-${Date.now()}`;
      const settings = options.liveSettings();
      const batch = messages(key, 25);
      const outcomes = await open(settings).deliver(batch);
      expect(outcomes).toHaveLength(batch.length);
      expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
      expect(await options.readBack(settings, key)).toEqual(batch.map((message) => message.body));
    });

    it('reports an unreachable destination as retryable outcomes, one per message, instead of throwing', async () => {
      const outcomes = await open(options.unreachableSettings()).deliver(messages('contract-down', 3));
      expect(outcomes).toHaveLength(3);
      for (const outcome of outcomes) expect(outcome.status).toBe('retryable');
    });
  });
}
