import http from 'node:http';
import https from 'node:https';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ResolvedKinesisOptions } from './kinesis-connector.options.js';
import type { KinesisSettings } from './kinesis.settings.js';

/**
 * Builds the one client a set-up uses for its lifetime. HTTP/1.1 with keep-alive: the SDK's default
 * HTTP/2 handler fails against plain-HTTP emulators and opens a session per request against AWS.
 * The SDK does not retry (maxAttempts 1): the host's delivery loop owns retries, per message, with backoff.
 */
export function createKinesisClient(settings: KinesisSettings, options: ResolvedKinesisOptions): KinesisClient {
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  return new KinesisClient({
    region: settings.region,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    endpoint: options.endpoint,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
    }),
  });
}
