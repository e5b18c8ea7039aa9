import { describe, expect, it } from 'vitest';
import { EnvReader } from './env-reader.js';
import { readTracingConfig } from './tracing.config.js';

const read = (env: Record<string, string>) => {
  const reader = new EnvReader(env);
  const config = readTracingConfig(reader);
  return { config, problems: () => reader.throwIfInvalid() };
};

describe('readTracingConfig', () => {
  it('is off unless an OTLP endpoint is given, and off again when the SDK or the exporter is turned off', () => {
    expect(read({}).config.url).toBeUndefined();
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).config.url).toBe('http://collector:4318/v1/traces');
    expect(read({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom' }).config.url).toBe('http://c:4318/custom');
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).config.url).toBeUndefined();
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).config.url).toBeUndefined();
  });

  it('takes the protocol, headers and service name the specification names, protobuf by default', () => {
    const { config } = read({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=a%20b, tenant=7',
      OTEL_SERVICE_NAME: 'edge',
    });
    expect(config).toMatchObject({ protocol: 'http/protobuf', headers: { 'api-key': 'a b', tenant: '7' }, serviceName: 'edge' });
    expect(read({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).config.protocol).toBe('http/json');
    expect(read({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).config.protocol).toBe(
      'http/protobuf',
    );
  });

  it('refuses what it cannot do, naming the variable', () => {
    expect(read({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).problems).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).problems).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(read({ OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }).problems).toThrow(/OTEL_EXPORTER_OTLP_HEADERS/);
  });
});
