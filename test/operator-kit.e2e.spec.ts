import { readFileSync } from 'node:fs';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, profileEvent, webhookConnector } from './support/fixtures.js';
import { eventually, TestHost } from './support/test-host.js';

// The operator kit in ops/ names metrics by hand: this scrapes the real host's /metrics, after traffic that
// touches every kind of sample (deliveries, a retry, a dead letter, a skip), and requires every metric the
// Grafana dashboard and the Prometheus rules name to be there. A renamed or removed metric fails here, not on
// an operator's empty panel. (The rules' own behaviour is tested by promtool test rules, in CI.)

const DASHBOARD = new URL('../ops/grafana/connector-host.dashboard.json', import.meta.url);
const RULES = new URL('../ops/prometheus/connector-host.rules.yml', import.meta.url);
/** Series Prometheus makes itself, not the host. */
const PROMETHEUS_OWN = new Set(['up']);

/** Every metric name in a PromQL expression: identifiers followed by a selector, a range or nothing PromQL-ish. */
function metricNames(expression: string): string[] {
  const withoutStrings = expression.replace(/"[^"]*"/g, '""');
  const names =
    withoutStrings.match(/\b(connector_host_[a-z_]+|process_[a-z_]+|nodejs_[a-z0-9_]+|up)\b(?=\s*(\{|\[|\)|$|\s*[=<>!]))/g) ?? [];
  return [...new Set(names)];
}

function dashboardExpressions(): string[] {
  const expressions: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') expressions.push(value);
        else walk(value);
      }
    }
  };
  walk(JSON.parse(readFileSync(DASHBOARD, 'utf8')));
  return expressions;
}

function ruleExpressions(): string[] {
  return [...readFileSync(RULES, 'utf8').matchAll(/^\s*expr:\s*(.+)$/gm)].map((match) => match[1]);
}

const SECRET = generateSigningSecret();
let receiver: WebhookReceiver;
let host: TestHost;

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
  host = await TestHost.configured({ env: { CONNECTORS: 'webhook', DELIVERY_RETRY_MAX_MS: '100', MAX_MESSAGES_PER_REQUEST: '3' } });
});
afterAll(async () => {
  await host?.stop(true);
  await receiver?.stop();
});

describe('the operator kit (ops/)', () => {
  it('names only metrics the running host exposes', async () => {
    receiver.answerWith(({ body, attempt }) => {
      const { profileId } = JSON.parse(body);
      if (profileId === 'refused') return { status: 413 };
      if (profileId === 'flaky' && attempt === 1) return { status: 503 };
      return undefined;
    });
    const connectorId = (await host.request('POST', '/v1/connectors', webhookConnector(receiver.url, SECRET))).body.id;
    const sourceId = (await host.request('POST', '/v1/bindings', audienceBinding(connectorId))).body.source.id;
    const event = (profileId: string, partnerIds: Record<string, string[]> = { '33': ['4'] }) =>
      profileEvent(sourceId, { profile: { profileId, partnerIds, properties: {} } });
    const events = [event('p1'), event('flaky'), event('refused'), event('no-ids', { '99': ['x'] })];
    expect((await host.request('POST', '/v1/events', { events })).status).toBe(202);
    // And one request past a bound (4 messages, MAX_MESSAGES_PER_REQUEST=3), which the refusal alert counts.
    expect((await host.request('POST', '/v1/events', { events: [event('p2', { '33': ['1', '2', '3', '4'] })] })).status).toBe(413);
    await eventually('the refused message to be dead-lettered and the rest delivered', async () => {
      const [health] = (await host.request('GET', '/health/connectors')).body.connectors;
      return health.deadLetters === 1 && health.backlog === 0 ? true : undefined;
    });

    const exposition = await (await fetch(`${host.url}/metrics`)).text();
    const exposed = new Set([...exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/gm)].map((match) => match[1]));
    const dashboard = dashboardExpressions().flatMap(metricNames);
    const rules = ruleExpressions().flatMap(metricNames);
    // Enough found that the scan itself works: the dashboard draws every family the issue lists.
    expect(new Set(dashboard).size).toBeGreaterThanOrEqual(12);
    expect(new Set(rules).size).toBeGreaterThanOrEqual(6);
    const missing = [...new Set([...dashboard, ...rules])].filter((name) => !PROMETHEUS_OWN.has(name) && !exposed.has(name));
    expect(missing).toEqual([]);
  });

  it('reads readiness and connector status as the alerts expect', async () => {
    const exposition = await (await fetch(`${host.url}/metrics`)).text();
    expect(exposition).toMatch(/^connector_host_ready 1$/m);
    expect(exposition).toMatch(/^connector_host_connector_status\{[^}]*status="active"[^}]*\} 1$/m);
    expect(exposition).toMatch(/^connector_host_connector_status\{[^}]*status="paused"[^}]*\} 0$/m);
  });
});
