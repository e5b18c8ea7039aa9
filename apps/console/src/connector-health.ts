// The host's own types for GET /health/connectors (type-only: nothing of the host is bundled).
import type { ConnectorHealth } from '../../connector-host/src/health/connector-health.js';
export type { ConnectorHealth, ConnectorHealthList } from '../../connector-host/src/health/connector-health.js';

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
