import type { SentEvent } from './load-generator.js';

export interface StreamMessage {
  profileId: string;
  timestamp: number;
}

/** The fault suite's measure of a scenario. */
export interface Verdict {
  scenario: string;
  accepted: number;
  deliveredUnique: number;
  missing: number;
  duplicates: number;
  orderViolations: number;
  recoverySeconds: number;
  note?: string;
}

/**
 * Compares what was accepted with what the stream holds. Order: per profile, the first arrival of each
 * event must come after the first arrival of every earlier event of that profile (duplicates after a crash
 * are allowed; reordering is not).
 */
export function judge(
  scenario: string,
  accepted: readonly SentEvent[],
  records: readonly StreamMessage[],
  recoverySeconds: number,
  note?: string,
): Verdict {
  const seen = new Set<string>();
  const lastByProfile = new Map<string, number>();
  let duplicates = 0;
  let orderViolations = 0;
  for (const record of records) {
    const id = `${record.profileId}#${record.timestamp}`;
    if (seen.has(id)) {
      duplicates++;
      continue;
    }
    seen.add(id);
    const last = lastByProfile.get(record.profileId) ?? 0;
    if (record.timestamp < last) orderViolations++;
    lastByProfile.set(record.profileId, Math.max(last, record.timestamp));
  }
  const missing = accepted.filter((event) => !seen.has(`${event.profileId}#${event.sequence}`)).length;
  return {
    scenario,
    accepted: accepted.length,
    deliveredUnique: accepted.length - missing,
    missing,
    duplicates,
    orderViolations,
    recoverySeconds: Math.round(recoverySeconds * 10) / 10,
    note,
  };
}

export function formatTable(verdicts: readonly Verdict[]): string {
  const header = ['scenario', 'accepted', 'delivered unique', 'missing', 'duplicates', 'order violations', 'recovery s', 'note'];
  const rows = verdicts.map((v) =>
    [v.scenario, v.accepted, v.deliveredUnique, v.missing, v.duplicates, v.orderViolations, v.recoverySeconds, v.note ?? ''].map(String),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
