import type { EnvReader } from './env-reader.js';

/** OpenTelemetry traces, opt-in with the standard variables; plain data, so it crosses to delivery's thread as it is. */
export interface TracingConfig {
  /** Where spans go (OTLP over HTTP, JSON); undefined: no tracing at all. */
  url?: string;
  /** OTLP's encoding over HTTP: protobuf (the specification's default) or JSON. */
  protocol: 'http/protobuf' | 'http/json';
  headers: Record<string, string>;
  serviceName: string;
  /** How long spans wait to be sent together (OTEL_BSP_SCHEDULE_DELAY). */
  scheduleDelayMs: number;
}

/**
 * Reads the OTEL_* variables the OpenTelemetry specification defines for an OTLP/HTTP trace exporter: tracing is
 * on when an endpoint is given (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, or OTEL_EXPORTER_OTLP_ENDPOINT plus
 * /v1/traces), unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none; OTEL_EXPORTER_OTLP(_TRACES)_PROTOCOL picks
 * http/protobuf (the default) or http/json (grpc is not offered).
 */
export function readTracingConfig(env: EnvReader): TracingConfig {
  const serviceName = env.string('OTEL_SERVICE_NAME') ?? 'connector-host';
  const scheduleDelayMs = env.int('OTEL_BSP_SCHEDULE_DELAY', 5000, 1, 600_000);
  const headers = parseHeaders(env.string('OTEL_EXPORTER_OTLP_TRACES_HEADERS') ?? env.string('OTEL_EXPORTER_OTLP_HEADERS') ?? '', env);
  const exporter = env.oneOf('OTEL_TRACES_EXPORTER', ['otlp', 'none'], 'otlp');
  const protocols = ['http/protobuf', 'http/json'] as const;
  const protocol = env.oneOf(
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    protocols,
    env.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', protocols, 'http/protobuf'),
  );
  if (env.bool('OTEL_SDK_DISABLED', false) || exporter === 'none') return { protocol, headers, serviceName, scheduleDelayMs };
  const traces = env.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = env.url('OTEL_EXPORTER_OTLP_ENDPOINT');
  const url = traces ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  return { url, protocol, headers, serviceName, scheduleDelayMs };
}

/** `key=value,key2=value2`, values URL-encoded, as the specification writes them. */
function parseHeaders(raw: string, env: EnvReader): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      env.refuse('OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs, comma-separated');
      continue;
    }
    try {
      headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      env.refuse(`OTEL_EXPORTER_OTLP_HEADERS: the value of ${pair.slice(0, at).trim()} is not URL-encoded`);
    }
  }
  return headers;
}
