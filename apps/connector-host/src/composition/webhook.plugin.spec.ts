import type { ValueProvider } from '@nestjs/common';
import { WEBHOOK_CONNECTOR_OPTIONS, type WebhookConnectorOptions } from '@event-connectors/webhook-connector';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../config/env-reader.js';
import { readHostConfig } from '../config/host.config.js';
import { hostFacts } from './host-facts.js';
import { webhookPlugin } from './webhook.plugin.js';

function plug(environment: Record<string, string>) {
  const env = new EnvReader(environment);
  const module = webhookPlugin.module(webhookPlugin.options(env, hostFacts(readHostConfig(environment))));
  const provider = module.providers?.find(
    (candidate) => (candidate as { provide?: unknown }).provide === WEBHOOK_CONNECTOR_OPTIONS,
  ) as ValueProvider<WebhookConnectorOptions>;
  return { options: provider.useValue, problems: env.problems };
}

describe('webhookPlugin', () => {
  it('guards production: https only, no private networks unless allowed, and the guard cannot be turned off', () => {
    expect(
      plug({
        APP_ENV: 'production',
        SECRETS_KEY: Buffer.alloc(32).toString('base64'),
        WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8, 192.168.7.7',
      }),
    ).toEqual({
      options: expect.objectContaining({
        blockPrivateNetworks: true,
        allowHttpToLoopback: false,
        allowedNetworks: ['10.0.0.0/8', '192.168.7.7'],
      }),
      problems: [],
    });
    expect(plug({ APP_ENV: 'production', WEBHOOK_BLOCK_PRIVATE_NETWORKS: 'false' }).problems).toEqual([
      expect.stringMatching(/refused when APP_ENV=production/),
    ]);
  });

  it('lets development send plain http to loopback, and turn the guard on to try it', () => {
    expect(plug({}).options).toMatchObject({ blockPrivateNetworks: false, allowHttpToLoopback: true });
    expect(plug({ WEBHOOK_BLOCK_PRIVATE_NETWORKS: 'true' }).options).toMatchObject({
      blockPrivateNetworks: true,
      allowHttpToLoopback: true,
    });
  });

  it('reads timeouts and concurrency, naming a malformed value', () => {
    expect(plug({ WEBHOOK_REQUEST_TIMEOUT_MS: '30000', WEBHOOK_CONCURRENCY: '4' }).options).toMatchObject({
      requestTimeoutMs: 30_000,
      maxConcurrentRequests: 4,
    });
    expect(plug({ WEBHOOK_CONCURRENCY: 'lots' }).problems).toEqual([expect.stringMatching(/^WEBHOOK_CONCURRENCY must be an integer/)]);
  });
});
