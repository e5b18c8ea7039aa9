import type { Attributes } from '@opentelemetry/api';
import { type HostTracing, type Span, SpanKind, SpanStatusCode } from '../observability/host-tracing.js';
import type { PendingMessage } from '../store/outbox/pending-message.js';
import type { ConnectorRow } from '../store/repositories/connectors.repository.js';
import type { RoundResult } from './settle-outcomes.js';

/** Commits a delivery call's span links to at most (a call of 500 messages may hold as many commits). */
const MAX_LINKS = 32;

/** Runs a delivery call within its span (tracing on), which ends with what the call did. */
export async function withDeliverySpan(
  tracing: HostTracing,
  row: ConnectorRow,
  batch: readonly PendingMessage[],
  call: () => Promise<RoundResult>,
): Promise<void> {
  const span = startDeliverySpan(tracing, batch);
  let result: RoundResult | undefined;
  try {
    result = await call();
  } finally {
    endDeliverySpan(span, row, batch, result);
  }
}

/** A delivery call's span (tracing on), linked to the commits that wrote its messages. */
function startDeliverySpan(tracing: HostTracing, batch: readonly PendingMessage[]): Span | undefined {
  if (!tracing.enabled) return undefined;
  const commits = new Set<string>();
  for (const message of batch) {
    if (message.trace) commits.add(message.trace);
    if (commits.size === MAX_LINKS) break;
  }
  return tracing.start('deliver', SpanKind.PRODUCER, [...commits]);
}

/** Ends a delivery call's span with what the call did: the connector, the message ids, the outcomes; no content. */
function endDeliverySpan(span: Span | undefined, row: ConnectorRow, batch: readonly PendingMessage[], result?: RoundResult): void {
  if (!span) return;
  const ids = batch.map((message) => message.originalId ?? message.seq);
  const attributes: Attributes = {
    'connector_host.connector.type': row.type,
    'connector_host.connector.id': row.id,
    'connector_host.site': row.site_number,
    'messaging.batch.message_count': batch.length,
    'connector_host.message_ids': ids.length <= MAX_LINKS ? ids.map(String) : [`${Math.min(...ids)}-${Math.max(...ids)}`],
  };
  if (result) {
    Object.assign(attributes, {
      'connector_host.delivered': result.delivered.length,
      'connector_host.retried': result.retry.length,
      'connector_host.dead_lettered': result.dead.length,
      'connector_host.outcome': result.delivered.length === batch.length ? 'delivered' : result.delivered.length > 0 ? 'partial' : 'failed',
    });
    if (result.lastFailure) attributes['error.type'] = result.lastFailure.code;
  }
  span.setAttributes(attributes);
  if (!result || result.delivered.length === 0) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
