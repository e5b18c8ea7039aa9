import type { EventConnector } from '@event-connectors/connector-sdk';
import { describe, expect, it } from 'vitest';
import { readHostConfig } from '../config/host.config.js';
import { callsOutlastingLeases } from './call-budget-check.js';

// Connector types as the registry holds them; only their type and longest call matter to the rule.
const connector = (type: string, maxCallMs?: number) => ({ type, maxCallMs }) as EventConnector;

const shared = (env: Record<string, string> = {}) =>
  readHostConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432/host', SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'), ...env });

describe('callsOutlastingLeases', () => {
  it('names each connector whose longest call, with the margin, does not fit in a lease on a shared store', () => {
    const problems = callsOutlastingLeases([connector('kinesis', 6000), connector('webhook', 9000), connector('slow', 20_000)], shared());
    expect(problems).toEqual([expect.stringContaining('"webhook" may take 9000 ms'), expect.stringContaining('"slow" may take 20000 ms')]);
    expect(problems[0]).toContain('LEASE_MARGIN_MS (1000)');
    expect(problems[0]).toContain('LEASE_TTL_MS (10000)');
  });

  it("assumes the host's default for a connector that does not say, and follows the configured lease", () => {
    expect(callsOutlastingLeases([connector('quiet')], shared())).toEqual([]);
    expect(callsOutlastingLeases([connector('quiet')], shared({ LEASE_TTL_MS: '5500', LEASE_MARGIN_MS: '600' }))).toEqual([
      expect.stringContaining('"quiet" may take 5000 ms'),
    ]);
    expect(callsOutlastingLeases([connector('slow', 20_000)], shared({ LEASE_TTL_MS: '30000' }))).toEqual([]);
  });

  it('holds nothing against SQLite (one instance owns everything) or an instance that does not deliver', () => {
    expect(callsOutlastingLeases([connector('slow', 60_000)], readHostConfig({}))).toEqual([]);
    expect(callsOutlastingLeases([connector('slow', 60_000)], shared({ ROLE: 'intake' }))).toEqual([]);
  });
});
