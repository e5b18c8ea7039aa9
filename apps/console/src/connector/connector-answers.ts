// The host's answers the connector page reads. Those whose host modules are plain schemas are imported as types
// (nothing of the host is bundled). The others are declared here, with what the page reads only: their host modules
// reach Node-only code this browser build cannot typecheck. The browser spec asserts the host's answers still fit
// these (test/browser/connector-page.browser.spec.ts), so `npm run typecheck` fails when they drift apart.
export type {
  DeadLetterPage,
  DeadLetterView,
  DeleteResult,
  ReplayResult,
} from '../../../connector-host/src/delivery/dead-letter-answers.js';

type Problem = { code: string; message: string };

/** The windows GET /v1/connectors/:id/stats answers for, in days (stats/connector-stats.ts). */
export type StatsWindow = 7 | 30 | 90;

/** A connector's traffic over some time: every key always present (skipped by reason, the rest by failure kind). */
export interface TrafficCounts {
  delivered: number;
  removed: number;
  retried: number;
  skipped: Record<string, number>;
  deadLettered: Record<string, number>;
  failed: Record<string, number>;
  largestMessageBytes: number;
}

export interface DailyTraffic extends TrafficCounts {
  day: string;
}

/** GET /v1/connectors/:id/stats: per UTC day, oldest first, and the window's totals. */
export interface ConnectorStats {
  connectorId: string;
  days: StatsWindow;
  from: string;
  to: string;
  totals: TrafficCounts;
  daily: DailyTraffic[];
}

/** GET /v1/connectors/:id (setups/connector-view.ts): what the page reads of a set-up. */
export interface ConnectorView {
  id: string;
  type: string;
  siteNumber: number;
  name: string;
  partnerNumber: number;
  /** The type's settings; secrets only as `<name>Set: true`. */
  settings: Record<string, unknown>;
  enabled: boolean;
  /** Set when delivery paused itself after repeated set-up failures. */
  paused: { reason: string; at: string } | null;
}

/** A saved set-up with what its check found (PATCH's answer). */
export interface SavedConnector extends ConnectorView {
  check: { ok: boolean; problem?: Problem };
}

/** One delivery call's result for one message (history/message-view.ts). */
export interface MessageAttempt {
  at: string;
  outcome: 'delivered' | 'retry' | 'dead_lettered';
  latencyMs: number;
  receipt: Record<string, string> | null;
  error: Problem | null;
}

export interface MessageView {
  id: string;
  profileId: string;
  sourceId: string | null;
  callType: string | null;
  acceptedAt: string;
  status: 'pending' | 'delivered' | 'dead_lettered';
  nextAttemptAt: string | null;
  deadLetter: Problem | null;
  attempts: MessageAttempt[];
}

/** GET /v1/connectors/:id/messages: newest first; `next` is the cursor of the older page (null: none). */
export interface MessagePage {
  items: MessageView[];
  next: string | null;
}

/** GET /v1/connectors/:id/replays: the latest replays, newest first. */
export interface ReplayList {
  items: ReplayView[];
}

/** A replay of a time range of the history, as it stands (history/replay-view.ts). */
export interface ReplayView {
  id: string;
  status: 'running' | 'done' | 'cancelled';
  from: string;
  to: string;
  outcomes: ('delivered' | 'dead_lettered')[];
  total: number;
  requeued: number;
  delivered: number;
  createdAt: string;
  finishedAt: string | null;
}
