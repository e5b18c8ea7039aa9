import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SetUpCredentials } from './credentials/set-up-credentials.js';
import type { KinesisAgents } from './kinesis-agents.js';
import type { ResolvedKinesisOptions } from './kinesis-connector.options.js';
import type { KinesisSettings } from './kinesis.settings.js';

/**
 * Builds the one SDK client a set-up uses for its control-plane calls. HTTP/1.1 with keep-alive: the SDK's
 * default HTTP/2 handler fails against plain-HTTP emulators and opens a session per request against AWS.
 * The SDK does not retry (maxAttempts 1): the host's delivery loop owns retries, per message, with backoff.
 */
export function createKinesisClient(
  settings: KinesisSettings,
  credentials: SetUpCredentials['credentials'],
  options: ResolvedKinesisOptions,
  agents: KinesisAgents,
): KinesisClient {
  return new KinesisClient({
    region: settings.region,
    credentials,
    endpoint: options.endpoint,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: agents.http,
      httpsAgent: agents.https,
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
    }),
  });
}
