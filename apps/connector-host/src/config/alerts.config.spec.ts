import { describe, expect, it } from 'vitest';
import { readHostConfig } from './host.config.js';

describe('the alerts configuration', () => {
  it('has defaults: nothing sent, failing after 10 minutes, disabled after 3 days, 100 dead letters an hour', () => {
    expect(readHostConfig({}).alerts).toEqual({
      url: undefined,
      secret: undefined,
      failingAfterMs: 600_000,
      autoDisableAfterMs: 3 * 86_400_000,
      deadLetters: 100,
      windowMs: 3_600_000,
      checkEveryMs: 5000,
    });
  });

  it('reads durations with units or in milliseconds, and 0 turns automatic disabling off', () => {
    const alerts = readHostConfig({
      ALERT_FAILING_AFTER: '90s',
      AUTO_DISABLE_AFTER: '0',
      ALERT_WINDOW: '2h',
      ALERT_CHECK_INTERVAL: '250',
    }).alerts;
    expect(alerts).toMatchObject({ failingAfterMs: 90_000, autoDisableAfterMs: 0, windowMs: 7_200_000, checkEveryMs: 250 });
    expect(readHostConfig({ ALERT_FAILING_AFTER: '1.5m' }).alerts.failingAfterMs).toBe(90_000);
  });

  it('refuses a URL without its secret, a malformed duration, and disabling before failing, naming each, never the secret', () => {
    expect(() => readHostConfig({ ALERT_WEBHOOK_URL: 'https://platform.example.com/alerts' })).toThrow(
      'ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET go together',
    );
    expect(() => readHostConfig({ ALERT_WEBHOOK_SECRET: 'whsec_c2VjcmV0LXZhbHVlLW5ldmVyLXNob3du' })).toThrow(
      /^(?![\s\S]*c2VjcmV0)[\s\S]*go together/,
    );
    expect(() => readHostConfig({ ALERT_FAILING_AFTER: 'ten minutes' })).toThrow('ALERT_FAILING_AFTER must be a duration');
    expect(() => readHostConfig({ ALERT_FAILING_AFTER: '2d', AUTO_DISABLE_AFTER: '1d' })).toThrow(
      'AUTO_DISABLE_AFTER must be longer than ALERT_FAILING_AFTER',
    );
  });
});
