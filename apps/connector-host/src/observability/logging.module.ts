import type { IncomingMessage } from 'node:http';
import { type DynamicModule, RequestMethod } from '@nestjs/common';
import { ConnectorRegistry, ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { LoggerModule } from 'nestjs-pino';
import type { HostConfig } from '../config/host.config.js';
import { REDACTED, redactSecrets } from './secret-redaction.js';

/**
 * What pino blanks in every line whatever the connector: credentials in headers, and sealed secrets. The secret
 * settings of the loaded connectors (as their @SettingsField() declares them) are blanked at any depth too.
 * Bodies are never logged at all (event payloads are customers' data), so these are the second line.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'secrets',
  '*.secrets',
];

/** Structured logs: JSON lines in production, pretty in development; one request id per request. */
export function loggingModule(config: HostConfig): DynamicModule {
  return LoggerModule.forRootAsync({
    imports: [ConnectorSdkModule],
    inject: [ConnectorRegistry],
    useFactory: (registry: ConnectorRegistry) => ({
      // Every route (Nest 12 path syntax); the library's default pattern does not match under Fastify here.
      forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
      pinoHttp: {
        level: config.pinoLevel,
        redact: { paths: REDACTED_PATHS, censor: REDACTED },
        formatters: { log: (object: Record<string, unknown>) => redactSecrets(object, registry.secretFieldNames()) },
        serializers: {
          req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
          res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
        },
        autoLogging: { ignore: (request: IncomingMessage) => /^\/(health|metrics)/.test(request.url ?? '') },
        customSuccessMessage: (request: IncomingMessage, response: { statusCode: number }) =>
          `${request.method} ${request.url} ${response.statusCode}`,
        ...(config.logFormat === 'pretty' && {
          transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } },
        }),
      },
    }),
  });
}
