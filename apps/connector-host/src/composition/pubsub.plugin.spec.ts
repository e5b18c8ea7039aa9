import type { ValueProvider } from '@nestjs/common';
import { PUBSUB_CONNECTOR_OPTIONS, type PubSubConnectorOptions } from '@event-connectors/pubsub-connector';
import { describe, expect, it } from 'vitest';
import { EnvReader } from '../config/env-reader.js';
import { readHostConfig } from '../config/host.config.js';
import { hostFacts } from './host-facts.js';
import { pubsubPlugin } from './pubsub.plugin.js';

const PRODUCTION = { APP_ENV: 'production', SECRETS_KEY: Buffer.alloc(32).toString('base64') };

function plug(environment: Record<string, string>) {
  const env = new EnvReader(environment);
  const module = pubsubPlugin.module(pubsubPlugin.options(env, hostFacts(readHostConfig(environment))));
  const provider = module.providers?.find(
    (candidate) => (candidate as { provide?: unknown }).provide === PUBSUB_CONNECTOR_OPTIONS,
  ) as ValueProvider<PubSubConnectorOptions>;
  return { options: provider.useValue, problems: env.problems };
}

describe('pubsubPlugin', () => {
  it('allows no emulator in production, and refuses the variable that would allow one', () => {
    expect(plug(PRODUCTION)).toEqual({ options: { allowEmulator: false, requestTimeoutMs: 15_000, concurrency: 100 }, problems: [] });
    expect(plug({ ...PRODUCTION, PUBSUB_ALLOW_EMULATOR: 'true' })).toEqual({
      options: expect.objectContaining({ allowEmulator: false }),
      problems: [expect.stringMatching(/^PUBSUB_ALLOW_EMULATOR=true is for development: refused when APP_ENV=production/)],
    });
  });

  it("lets development name an emulator, unless PUBSUB_ALLOW_EMULATOR=false tries production's rule", () => {
    expect(plug({}).options).toMatchObject({ allowEmulator: true });
    expect(plug({ PUBSUB_ALLOW_EMULATOR: 'false' }).options).toMatchObject({ allowEmulator: false });
  });

  it('reads the deadline of a publish, shorter by default where a shared store leases the work, naming a malformed value', () => {
    expect(plug({ PUBSUB_REQUEST_TIMEOUT_MS: '8000' }).options).toMatchObject({ requestTimeoutMs: 8000 });
    expect(plug({ ...PRODUCTION, DATABASE_URL: 'postgres://127.0.0.1:5432/host' }).options).toMatchObject({ requestTimeoutMs: 2000 });
    expect(plug({ PUBSUB_REQUEST_TIMEOUT_MS: 'soon' }).problems).toEqual([
      expect.stringMatching(/^PUBSUB_REQUEST_TIMEOUT_MS must be an integer/),
    ]);
  });
});
