import { Inject, Injectable } from '@nestjs/common';
import { type BindingSpec, buildMessages, ConnectorRegistry, messageSizes, type RoutingEvent } from '@event-connectors/connector-sdk';
import { LimitExceededError } from '../common/domain-errors.js';
import type { RouteSkipReason } from '../common/route-skip-reason.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { bindingSpec } from '../setups/binding-view.js';
import { BindingsRepository, type RoutableBinding } from '../store/repositories/bindings.repository.js';
import type { NewMessage } from '../store/outbox/outbox-store.js';

export type { RouteSkipReason } from '../common/route-skip-reason.js';

/** One skipped (event, binding) pair, or an event without bindings, for the trace and the statistics. */
export interface RouteSkip {
  connectorId: string | null;
  profileId: string;
  sourceId: string;
  reason: RouteSkipReason;
}

/** What one request adds to one connector's backlog. */
export interface ConnectorShare {
  siteNumber: number;
  messages: number;
  /** UTF-8 bytes of those messages' bodies and partition keys. */
  bytes: number;
}

/** What a request will route, decided and measured before any message is built. */
export interface RoutePlan {
  /** Each (event, binding) pair that yields messages. */
  pairs: { event: RoutingEvent; binding: RoutableBinding; spec: BindingSpec }[];
  messages: number;
  /** UTF-8 bytes of every message it will build. */
  bytes: number;
  /** What it will add to each connector's backlog, with the connector's site. */
  perConnector: Map<string, ConnectorShare>;
  skipped: Partial<Record<RouteSkipReason, number>>;
  skips: RouteSkip[];
}

export interface RouteResult {
  messages: NewMessage[];
  /** Skips by reason: `no_binding` counts events, the others count (event, binding) pairs. */
  skipped: Partial<Record<RouteSkipReason, number>>;
  /** Connectors that got messages, with their type. */
  connectors: Map<string, string>;
  /** Each skip, for the delivery trace. */
  skips: RouteSkip[];
}

/**
 * Event -> the bindings of its source in its site -> built, serialized messages. First planned: which pairs yield
 * messages and how large each will be, so a request that would route more than a request may (or a message larger
 * than its destination takes) is refused before anything is built. No I/O but the binding lookup.
 */
@Injectable()
export class EventRouter {
  constructor(
    private readonly bindings: BindingsRepository,
    private readonly registry: ConnectorRegistry,
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {}

  /** Decides and measures what `events` route; throws LimitExceededError (413) past a request's bounds. */
  async plan(events: readonly RoutingEvent[]): Promise<RoutePlan> {
    const { messagesPerRequest, routedBytesPerRequest } = this.config.limits;
    // Bindings store source ids in canonical lower case; so do the messages.
    const lookup = await this.bindings.routableFor(events.map((event) => [event.siteNumber, event.sourceId.toLowerCase()] as const));
    const plan: RoutePlan = { pairs: [], messages: 0, bytes: 0, perConnector: new Map(), skipped: {}, skips: [] };
    const skip = (reason: RouteSkipReason, event: RoutingEvent, connectorId: string | null) => {
      plan.skipped[reason] = (plan.skipped[reason] ?? 0) + 1;
      plan.skips.push({ connectorId, profileId: event.profile.profileId, sourceId: event.sourceId, reason });
    };
    const specs = new Map<string, BindingSpec>();

    for (const [index, raw] of events.entries()) {
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
      const keyBytes = Buffer.byteLength(event.profile.profileId, 'utf8');
      for (const binding of bound) {
        if (binding.connector_enabled !== 1) {
          skip('connector_disabled', event, binding.connector_id);
          continue;
        }
        let spec = specs.get(binding.id);
        if (!spec) specs.set(binding.id, (spec = bindingSpec(binding)));
        const sized = messageSizes(event, spec, { siteNumber: binding.site_number, partnerNumber: binding.partner_number });
        if (sized.skipped) {
          skip(sized.skipped, event, binding.connector_id);
          continue;
        }
        const largest = Math.max(...sized.bytes) + keyBytes;
        const cap = this.messageCap(binding.connector_type);
        if (largest > cap.max) {
          throw new LimitExceededError(
            'tooLarge',
            { name: cap.name, max: cap.max, actual: largest },
            `events[${index}] would make a message of ${largest} bytes for connector ${binding.connector_id}, above its limit of ${cap.max} (${cap.whose}): nothing was stored; leave that event out or map fewer or smaller properties`,
            [
              {
                field: `events[${index}]`,
                message: `its message for connector ${binding.connector_id} would be ${largest} bytes, above ${cap.max}`,
              },
            ],
          );
        }
        plan.messages += sized.bytes.length;
        for (const size of sized.bytes) plan.bytes += size;
        if (plan.messages > messagesPerRequest)
          throw this.tooMany('MAX_MESSAGES_PER_REQUEST', messagesPerRequest, plan.messages, 'messages');
        if (plan.bytes > routedBytesPerRequest)
          throw this.tooMany('MAX_ROUTED_BYTES_PER_REQUEST', routedBytesPerRequest, plan.bytes, 'bytes of messages');
        plan.pairs.push({ event, binding, spec });
        let share = plan.perConnector.get(binding.connector_id);
        if (!share) plan.perConnector.set(binding.connector_id, (share = { siteNumber: binding.site_number, messages: 0, bytes: 0 }));
        share.messages += sized.bytes.length;
        for (const size of sized.bytes) share.bytes += size + keyBytes;
      }
    }
    return plan;
  }

  /** Builds and serializes the planned messages (within the bounds the plan was checked against). */
  build(plan: RoutePlan): RouteResult {
    const result: RouteResult = { messages: [], skipped: plan.skipped, connectors: new Map(), skips: plan.skips };
    for (const { event, binding, spec } of plan.pairs) {
      const built = buildMessages(event, spec, { siteNumber: binding.site_number, partnerNumber: binding.partner_number });
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
    return result;
  }

  /** The largest message a connector of this type takes: the host's MAX_MESSAGE_BYTES, or the type's own if smaller. */
  private messageCap(type: string): { name: string; max: number; whose: string } {
    const own = this.registry.get(type)?.maxMessageBytes;
    const host = this.config.limits.messageBytes;
    return own !== undefined && own < host
      ? { name: 'MAX_MESSAGE_BYTES', max: own, whose: `the largest a ${type} destination takes` }
      : { name: 'MAX_MESSAGE_BYTES', max: host, whose: 'MAX_MESSAGE_BYTES' };
  }

  private tooMany(name: string, max: number, reached: number, what: string): LimitExceededError {
    const message = `This request would route at least ${reached} ${what} (its events x their bindings x partner ids), more than ${name}=${max}: nothing was stored; send fewer events per request`;
    return new LimitExceededError('tooLarge', { name, max, actual: reached }, message, [
      { field: 'events', message: `would route at least ${reached} ${what}, more than ${max}` },
    ]);
  }
}
