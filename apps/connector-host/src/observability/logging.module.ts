import type { IncomingMessage } from 'node:http';
import { type DynamicModule, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { HostConfig } from '../config/host.config.js';

/**
 * Paths pino blanks in every log line: credentials in headers, and any secret setting wherever it sits.
 * Bodies are never logged at all (event payloads are customers' data), so these are the second line.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'secretAccessKey',
  '*.secretAccessKey',
  '*.*.secretAccessKey',
  'settings.secretAccessKey',
  '*.settings.secretAccessKey',
  'secrets',
  '*.secrets',
];

/** Structured logs: JSON lines in production, pretty in development; one request id per request. */
export function loggingModule(config: HostConfig): DynamicModule {
  return LoggerModule.forRoot({
    // Every route (Nest 12 path syntax); the library's default pattern does not match under Fastify here.
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.pinoLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
      autoLogging: { ignore: (request: IncomingMessage) => /^\/(health|metrics)/.test(request.url ?? '') },
      customSuccessMessage: (request: IncomingMessage, response: { statusCode: number }) => `${request.method} ${request.url} ${response.statusCode}`,
      ...(config.logFormat === 'pretty' && { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } }),
    },
  });
}
