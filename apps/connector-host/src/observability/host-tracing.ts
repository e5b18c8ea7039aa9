import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  type Attributes,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';

export { SpanKind, SpanStatusCode, type Span, type SpanContext };

/** How long a shutdown waits for the last spans to be sent. */
const SHUTDOWN_FLUSH_MS = 2000;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The host's OpenTelemetry traces (opt-in: config/tracing.config.ts), one provider per event loop (delivery's thread
 * has its own), never registered globally: two hosts in one process (the tests) keep theirs apart. Spans carry
 * what the host knows of its own work (connector type and id, site, counts, message ids, outcomes), never a
 * message's content or a profile id. A span's context is kept with what it made as a W3C traceparent, so the
 * spans of later work (a commit, a delivery call) link to it.
 */
@Injectable()
export class HostTracing implements OnApplicationShutdown {
  private readonly provider?: BasicTracerProvider;
  readonly tracer?: Tracer;

  constructor(@Inject(HOST_CONFIG) config: HostConfig) {
    const { url, protocol, headers, serviceName, scheduleDelayMs } = config.tracing;
    if (url === undefined) return;
    const exporter = protocol === 'http/json' ? new JsonExporter({ url, headers }) : new ProtobufExporter({ url, headers });
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: scheduleDelayMs, exportTimeoutMillis: 10_000 })],
    });
    this.tracer = this.provider.getTracer('connector-host');
  }

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /** A span, linked to the contexts given (traceparents), a child of `parent` (a caller's traceparent), if tracing is on. */
  start(name: string, kind: SpanKind, links: readonly string[] = [], parent?: string): Span | undefined {
    if (!this.tracer) return undefined;
    const caller = parent === undefined ? undefined : contextOf(parent);
    const within = caller ? trace.setSpanContext(ROOT_CONTEXT, caller) : ROOT_CONTEXT;
    return this.tracer.startSpan(name, { kind, links: links.flatMap((each) => linkOf(each)) }, within);
  }

  /** Sends what is buffered, and stops; a collector that does not answer holds the shutdown up 2 s at most. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS)));
    await Promise.race([this.provider.shutdown().catch(() => undefined), late]);
    clearTimeout(timer);
  }
}

/** Ends a span (if any) with its status and attributes; never throws: tracing must not fail the work it watches. */
export function endSpan(span: Span | undefined, status?: { code: SpanStatusCode; message?: string }, attributes?: Attributes): void {
  if (!span) return;
  try {
    if (attributes) span.setAttributes(attributes);
    if (status) span.setStatus(status);
    span.end();
  } catch {
    // nothing to do: a span lost is a span lost
  }
}

/** A span's context as a W3C traceparent, to keep with what it made. */
export function traceparentOf(span: Span | undefined): string | undefined {
  if (!span) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

function linkOf(traceparent: string): Link[] {
  const context = contextOf(traceparent);
  return context ? [{ context }] : [];
}

/** A W3C traceparent's span context; undefined for anything malformed (a caller's header is not trusted). */
function contextOf(traceparent: string): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (!match) return undefined;
  const context: SpanContext = { traceId: match[1], spanId: match[2], traceFlags: Number.parseInt(match[3], 16), isRemote: true };
  return trace.isSpanContextValid(context) ? context : undefined;
}
