import { STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { KinesisAgents } from '../kinesis-agents.js';

/** Where the host's own credentials come from (the SDK's type for it). */
export type HostCredentials = NonNullable<STSClientConfig['credentials']>;

/** Where and as whom the host calls STS, and how long it waits. */
export interface StsAccess {
  region: string;
  /** STS's endpoint: the regional one unless given (tests, private endpoints). */
  stsEndpoint?: string;
  /** The host's own credentials to call STS with; the SDK's default chain when not given. */
  hostCredentials?: HostCredentials;
  agents: KinesisAgents;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

/** An STS client of the host's own identity, over the set-up's keep-alive agents. */
export function createStsClient(access: StsAccess): STSClient {
  return new STSClient({
    region: access.region,
    endpoint: access.stsEndpoint,
    credentials: access.hostCredentials,
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      httpAgent: access.agents.http,
      httpsAgent: access.agents.https,
      connectionTimeout: access.connectTimeoutMs,
      requestTimeout: access.requestTimeoutMs,
    }),
  });
}
