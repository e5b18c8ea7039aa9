import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostProcess } from './host-process.js';
import type { Verdict } from './verdict.js';

// What the fault suites share around the built host: its data folders, its API, its statistics, their report lines.

/** Data folders of the hosts a suite starts, removed together at its end. */
export class ScratchFolders {
  private readonly folders: string[] = [];

  dataDir(): string {
    const folder = mkdtempSync(join(tmpdir(), 'fault-host-'));
    this.folders.push(folder);
    return folder;
  }

  removeAll(): void {
    for (const folder of this.folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  }
}

/** The host's API as JSON, without a token (fault hosts run on loopback without access control). */
export async function call(host: HostProcess, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(host.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** The connector's delivered count in its statistics, once it reached `atLeast` (or after `waitMs`, 20 s by default). */
export async function deliveredCount(host: HostProcess, connectorId: string, atLeast: number, waitMs = 20_000): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { totals } = await call(host, 'GET', `/v1/connectors/${connectorId}/stats`);
    if (totals.delivered >= atLeast || Date.now() > deadline) return totals.delivered as number;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A verdict as one line of the run's output (the table comes at the suite's end). */
export function verdictLine(verdict: Verdict): string {
  return `${verdict.scenario}: accepted ${verdict.accepted} / delivered unique ${verdict.deliveredUnique} / missing ${verdict.missing} / duplicates ${verdict.duplicates} / order violations ${verdict.orderViolations} / recovery ${verdict.recoverySeconds} s${verdict.note ? ` (${verdict.note})` : ''}`;
}

/** Where a fault scenario's set-up is bound: the site and the audience or journey step whose events it gets. */
export interface ScenarioBinding {
  siteNumber: number;
  source: { type: 'audience'; id: string; number: number; name: string } | { type: 'journey'; id: string; name: string };
}

/** A webhook connector to `url` (signed with `secret`), bound as `binding` says; its id. */
export async function connectWebhook(host: HostProcess, url: string, secret: string, binding: ScenarioBinding): Promise<string> {
  const connector = await call(host, 'POST', '/v1/connectors', {
    type: 'webhook',
    siteNumber: binding.siteNumber,
    name: `site ${binding.siteNumber} webhook`,
    partnerNumber: 33,
    settings: { url, signingSecret: secret },
  });
  await call(host, 'POST', '/v1/bindings', { connectorId: connector.id, source: binding.source });
  return connector.id as string;
}
