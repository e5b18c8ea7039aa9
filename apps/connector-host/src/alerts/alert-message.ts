import type { ConnectorAlertFacts } from '../store/alerts/alert-states.repository.js';
import type { AlertType } from './alert-rules.js';

/**
 * An alert's body, in the Standard Webhooks payload shape (`type`, `timestamp`, `data`): the site and connector it
 * is about, when it was decided, and what the host knows of why. No message content and no set-up settings.
 *
 * @example {"type":"connector.failing","timestamp":"2026-12-04T10:10:00.000Z","data":{"siteNumber":1234,"connectorId":"…",
 *   "connectorName":"Orders stream","connectorType":"kinesis","details":{"failingSince":"2026-12-04T10:00:00.000Z",…}}}
 */
export function alertBody(type: AlertType, facts: ConnectorAlertFacts, at: number, details: Record<string, unknown>): string {
  return JSON.stringify({
    type,
    timestamp: new Date(at).toISOString(),
    data: {
      siteNumber: facts.siteNumber,
      connectorId: facts.id,
      connectorName: facts.name,
      connectorType: facts.type,
      details,
    },
  });
}
