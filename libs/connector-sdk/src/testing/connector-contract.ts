import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectorInstance, DeliveryMessage, EventConnector } from '../event-connector.js';
import { secretFieldsOf, settingsFieldsOf } from '../settings/settings-field.decorator.js';
import { settingsJsonSchema } from '../settings/settings-schema.js';
import { validateSettings } from '../settings/validate-settings.js';
import { FORM_FIELD_TYPES } from '../settings/form-field-types.js';

/** A connector (with its deployment configuration) and a settings form for it. */
export interface ContractSetup {
  connector: () => EventConnector;
  settings: () => Record<string, unknown>;
}

/** What a connector's own test hands the contract kit: set-ups against a real peer. */
export interface ConnectorContractOptions {
  /** Validates and points at a reachable, ready destination. */
  live: ContractSetup;
  /** Validates, but its destination cannot be reached (nothing listens there). */
  unreachable: ContractSetup;
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
  const open = (setup: ContractSetup): ConnectorInstance => {
    const connector = setup.connector();
    const validation = validateSettings(connector, setup.settings());
    if (!validation.ok) throw new Error(`contract kit: settings do not validate: ${JSON.stringify(validation.errors)}`);
    const instance = connector.open({ id: `contract-${++sequence}`, settings: validation.settings });
    opened.push(instance);
    return instance;
  };
  const messages = (key: string, count: number): DeliveryMessage[] =>
    Array.from({ length: count }, (_, i) => ({ id: String(i), partitionKey: key, body: JSON.stringify({ key, i }) }));

  describe(`EventConnector contract: ${options.live.connector().type}`, () => {
    afterAll(async () => {
      await Promise.all(opened.map((instance) => instance.close()));
    });

    it('has a kebab-case type id and a display name', () => {
      const connector = options.live.connector();
      expect(connector.type).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      expect(connector.displayName.trim()).not.toBe('');
    });

    it('validates its live settings and refuses an empty form field by field', () => {
      const connector = options.live.connector();
      expect(validateSettings(connector, options.live.settings()).ok).toBe(true);
      const empty = validateSettings(connector, {});
      expect(empty.ok).toBe(false);
      const required = (settingsJsonSchema(connector).required as string[] | undefined) ?? [];
      expect(required.length).toBeGreaterThan(0);
      const failing = new Set(empty.ok ? [] : empty.errors.map((error) => error.field));
      for (const field of required) expect(failing).toContain(`settings.${field}`);
    });

    it('gives every settings field a title and a description, and marks every secret field write-only', () => {
      const connector = options.live.connector();
      const properties = settingsJsonSchema(connector).properties as Record<string, Record<string, unknown>>;
      expect(Object.keys(properties).sort()).toEqual(
        settingsFieldsOf(connector.settingsClass)
          .map((field) => field.name)
          .sort(),
      );
      for (const [name, property] of Object.entries(properties)) {
        expect(property.title, `${name} has a title`).toMatch(/\S/);
        expect(property.description, `${name} has a description`).toMatch(/\S/);
      }
      const secrets = secretFieldsOf(connector.settingsClass);
      for (const field of secrets) expect(properties[field]).toMatchObject({ writeOnly: true });
      for (const [name, property] of Object.entries(properties)) if (!secrets.includes(name)) expect(property.writeOnly).toBeUndefined();
    });

    it('publishes a form a renderer can read whole: every field has a type or choices, no reference to elsewhere', () => {
      const schema = settingsJsonSchema(options.live.connector());
      expect(JSON.stringify(schema)).not.toContain('"$ref"');
      for (const [name, property] of Object.entries(schema.properties as Record<string, Record<string, unknown>>))
        if (!property.enum) expect(FORM_FIELD_TYPES, `${name} has a type a form renders`).toContain(property.type);
    });

    it('declares positive integer limits', () => {
      const { limits } = open(options.live);
      expect(Number.isInteger(limits.maxBatchMessages) && limits.maxBatchMessages > 0).toBe(true);
      expect(Number.isInteger(limits.maxBatchBytes) && limits.maxBatchBytes > 0).toBe(true);
    });

    it('check() accepts a live set-up', async () => {
      const result = await open(options.live).check();
      expect(result.problem).toBeUndefined();
      expect(result.ok).toBe(true);
    });

    it('check() reports an unreachable set-up as a named problem instead of throwing', async () => {
      const result = await open(options.unreachable).check();
      expect(result.ok).toBe(false);
      expect(result.problem?.code).toMatch(/\S/);
      expect(result.problem?.message).toMatch(/\S/);
    });

    it('deliver([]) answers [] without I/O', async () => {
      expect(await open(options.unreachable).deliver([])).toEqual([]);
    });

    it('delivers a batch of one', async () => {
      const key = `contract-one-${Date.now()}`;
      const settings = options.live.settings();
      const outcomes = await open(options.live).deliver(messages(key, 1));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['delivered']);
      expect(await options.readBack(settings, key)).toEqual([JSON.stringify({ key, i: 0 })]);
    });

    it('delivers a batch with one outcome per message, in order, and the destination keeps that order', async () => {
      const key = `contract-many-${Date.now()}`;
      const settings = options.live.settings();
      const batch = messages(key, 25);
      const outcomes = await open(options.live).deliver(batch);
      expect(outcomes).toHaveLength(batch.length);
      expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
      expect(await options.readBack(settings, key)).toEqual(batch.map((message) => message.body));
    });

    it("stops at the host's budget: with its signal aborted, every message is retryable and timed out, and none is sent", async () => {
      const key = `contract-budget-${Date.now()}`;
      const settings = options.live.settings();
      const outcomes = await open(options.live).deliver(messages(key, 3), { signal: AbortSignal.abort() });
      expect(outcomes).toHaveLength(3);
      for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'retryable', reason: { timedOut: true } });
      expect(await options.readBack(settings, key)).toEqual([]);
    });

    it('reports an unreachable destination as retryable outcomes, one per message, instead of throwing', async () => {
      const outcomes = await open(options.unreachable).deliver(messages('contract-down', 3));
      expect(outcomes).toHaveLength(3);
      for (const outcome of outcomes) expect(outcome.status).toBe('retryable');
    });
  });
}
