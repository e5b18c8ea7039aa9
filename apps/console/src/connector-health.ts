/** One connector as GET /health/connectors shows it (the host's ConnectorHealth). */
export interface ConnectorHealth {
  id: string;
  type: string;
  name: string;
  siteNumber: number;
  status: 'active' | 'failing' | 'stalled' | 'paused' | 'disabled';
  pausedReason: string | null;
  lastError: { code: string; message: string; at: string } | null;
  backlog: number;
  deadLetters: number;
  oldestPendingAgeSeconds: number | null;
}

export interface ConnectorHealthList {
  connectors: ConnectorHealth[];
}

const STATUS_LABELS: Record<ConnectorHealth['status'], string> = {
  active: 'Active',
  failing: 'Failing',
  stalled: 'Stalled',
  paused: 'Paused',
  disabled: 'Disabled',
};

export const statusLabel = (status: ConnectorHealth['status']) => STATUS_LABELS[status];

/** What went wrong last, in a person's words: the pause's reason first, else the last error. */
export function lastProblem(connector: ConnectorHealth): string {
  if (connector.pausedReason) return connector.pausedReason;
  if (connector.lastError) return `${connector.lastError.code}: ${connector.lastError.message}`;
  return '';
}
