import { Injectable } from '@nestjs/common';
import { type BindingSpec, buildMessages, type RoutingEvent } from '@event-connectors/connector-sdk';
import type { RouteSkipReason } from '../common/route-skip-reason.js';
import { bindingSpec } from '../setups/binding-view.js';
import { BindingsRepository } from '../store/bindings.repository.js';
import type { NewMessage } from '../store/outbox/outbox-store.js';

export type { RouteSkipReason } from '../common/route-skip-reason.js';

export interface RouteResult {
  messages: NewMessage[];
  /** Skips by reason: `no_binding` counts events, the others count (event, binding) pairs. */
  skipped: Partial<Record<RouteSkipReason, number>>;
  /** Connectors that got messages, with their type. */
  connectors: Map<string, string>;
  /** Each skip, for the delivery trace. */
  skips: { connectorId: string | null; profileId: string; sourceId: string; reason: RouteSkipReason }[];
}

/** Event -> the bindings of its source in its site -> built, serialized messages. No I/O but the binding lookup. */
@Injectable()
export class EventRouter {
  constructor(private readonly bindings: BindingsRepository) {}

  async route(events: readonly RoutingEvent[]): Promise<RouteResult> {
    // Bindings store source ids in canonical lower case; so do the messages.
    const lookup = await this.bindings.routableFor(events.map((event) => [event.siteNumber, event.sourceId.toLowerCase()] as const));
    const result: RouteResult = { messages: [], skipped: {}, connectors: new Map(), skips: [] };
    const skip = (reason: RouteSkipReason, event: RoutingEvent, connectorId: string | null) => {
      result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
      result.skips.push({ connectorId, profileId: event.profile.profileId, sourceId: event.sourceId, reason });
    };
    const specs = new Map<string, BindingSpec>();

    for (const raw of events) {
      const event: RoutingEvent = {
        ...raw,
        sourceId: raw.sourceId.toLowerCase(),
        profile: { ...raw.profile, partnerIds: raw.profile.partnerIds ?? {}, properties: raw.profile.properties ?? {} },
      };
      const bound = lookup(event.siteNumber, event.sourceId);
      if (bound.length === 0) {
        skip('no_binding', event, null);
        continue;
      }
      for (const binding of bound) {
        if (binding.connector_enabled !== 1) {
          skip('connector_disabled', event, binding.connector_id);
          continue;
        }
        let spec = specs.get(binding.id);
        if (!spec) {
          spec = bindingSpec(binding);
          specs.set(binding.id, spec);
        }
        const built = buildMessages(event, spec, { siteNumber: binding.site_number, partnerNumber: binding.partner_number });
        if (built.skipped) {
          skip(built.skipped, event, binding.connector_id);
          continue;
        }
        for (const message of built.messages) {
          result.messages.push({
            connectorId: binding.connector_id,
            partitionKey: message.profileId,
            sourceId: event.sourceId,
            body: JSON.stringify(message),
          });
        }
        result.connectors.set(binding.connector_id, binding.connector_type);
      }
    }
    return result;
  }
}
