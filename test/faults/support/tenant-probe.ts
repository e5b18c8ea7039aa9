import { performance } from 'node:perf_hooks';
import type { WebhookReceiver } from '@event-connectors/webhook-connector/testing';

/** What one site's steady traffic saw: its answers, how long they and the deliveries took, what arrived. */
export interface ProbeResult {
  sent: number;
  /** Answers by status, e.g. { 202: 100 }; 0 counts requests that got no answer. */
  codes: Record<number, number>;
  /** Accept (POST answered) p99, ms. */
  answerP99Ms: number;
  /** POST to arrival at the receiver, p99 over what arrived, ms. */
  deliveryP99Ms: number;
  delivered: number;
  missing: number;
}

export interface ProbeOptions {
  url: () => string;
  token: string;
  siteNumber: number;
  sourceId: string;
  receiver: WebhookReceiver;
  /** Events to send, one per request, each of its own profile. */
  events: number;
  intervalMs: number;
  /** How long to wait after the last post for deliveries to arrive. */
  settleMs: number;
  /** A name for this run's profiles (profile ids must not repeat across runs on one receiver). */
  label: string;
}

/**
 * A site's steady, small traffic (one event per request, a request every `intervalMs`), as a well-behaved tenant
 * sends it beside a hostile one; each event's delivery is timed by the receiver's arrival. Bounded: `events`
 * posts, then at most `settleMs` of waiting.
 */
export async function probeSite(options: ProbeOptions): Promise<ProbeResult> {
  const posted = new Map<string, number>();
  const arrived = new Map<string, number>();
  const previous = options.receiver;
  previous.answerWith(({ body }) => {
    const { profileId } = JSON.parse(body) as { profileId: string };
    if (!arrived.has(profileId)) arrived.set(profileId, performance.now());
    return undefined;
  });
  const codes: Record<number, number> = {};
  const answers: number[] = [];
  const accepted: string[] = [];
  const posts: Promise<void>[] = [];
  for (let i = 0; i < options.events; i++) {
    const profileId = `${options.label}-${i}`;
    posts.push(
      (async () => {
        const started = performance.now();
        posted.set(profileId, started);
        let status: number;
        try {
          const response = await fetch(`${options.url()}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
            body: JSON.stringify({
              events: [
                {
                  siteNumber: options.siteNumber,
                  sourceId: options.sourceId,
                  callType: 'NEW',
                  timestamp: i + 1,
                  profile: { profileId, partnerIds: { '33': ['x'] }, properties: {} },
                },
              ],
            }),
            signal: AbortSignal.timeout(30_000),
          });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 0;
        }
        codes[status] = (codes[status] ?? 0) + 1;
        answers.push(performance.now() - started);
        if (status === 202) accepted.push(profileId);
      })(),
    );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  await Promise.all(posts);
  const deadline = performance.now() + options.settleMs;
  while (accepted.some((profileId) => !arrived.has(profileId)) && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 25));
  const deliveries = accepted
    .filter((profileId) => arrived.has(profileId))
    .map((profileId) => arrived.get(profileId)! - posted.get(profileId)!);
  return {
    sent: options.events,
    codes,
    answerP99Ms: p99(answers),
    deliveryP99Ms: p99(deliveries),
    delivered: deliveries.length,
    missing: accepted.length - deliveries.length,
  };
}

export function p99(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]);
}

/** The peak resident set of a process so far (its high-water mark, from the kernel), MiB. */
export function peakRssMiB(pid: number, read: (path: string) => string): number {
  const line = read(`/proc/${pid}/status`)
    .split('\n')
    .find((entry) => entry.startsWith('VmHWM:'));
  return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : 0;
}

/** One row of the tenant-isolation table. */
export interface IsolationRow {
  attack: string;
  site8: string;
  p99: string;
  delivered: string;
  hostUp: boolean;
  note: string;
}

export function formatIsolationTable(rows: readonly IsolationRow[]): string {
  const header = ['attack by site 7', 'site 8 answers', 'site 8 p99 ms (its baseline)', 'site 8 delivered / missing', 'host up', 'note'];
  const cells = rows.map((row) => [row.attack, row.site8, row.p99, row.delivered, row.hostUp ? 'yes' : 'NO', row.note]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column].length)));
  const line = (values: string[]) => `| ${values.map((value, column) => value.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export function describeCodes(codes: Record<number, number>): string {
  return Object.entries(codes)
    .map(([code, count]) => `${code === '0' ? 'none' : code}x${count}`)
    .join(' ');
}
