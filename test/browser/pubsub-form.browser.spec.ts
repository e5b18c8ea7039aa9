import { skipUnless } from '@event-connectors/connector-sdk/testing';
import { type EmulatorSubscription, PubSubEmulator } from '@event-connectors/pubsub-connector/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceBinding, profileEvent } from '../support/fixtures.js';
import { callApi, closeBrowser, launchChromium, onlyHost, openPage, screenshotPath, seriousViolations } from '../support/browser.js';
import { eventually, TestHost } from '../support/test-host.js';

// The third connector's form in the console, with no line of console code written for it: rendered from the JSON
// Schema the Pub/Sub connector publishes, checked and saved against Google's own emulator, then delivering.

const ADMIN = 'console-pubsub-admin-token-01234';
const INGEST = 'console-pubsub-ingest-token-0123';
const PROJECT = 'console-project';
const TOPIC = 'activations';

describe('the Pub/Sub form in the console', skipUnless(PubSubEmulator.available(), 'Pub/Sub emulator absent'), () => {
  let emulator: PubSubEmulator;
  let subscription: EmulatorSubscription;
  let host: TestHost;
  let browser: Browser;

  beforeAll(async () => {
    emulator = await PubSubEmulator.start();
    await emulator.createTopic(PROJECT, TOPIC);
    subscription = await emulator.createOrderedSubscription(PROJECT, TOPIC, 'console-reader');
    host = await TestHost.configured({ env: { CONNECTORS: 'pubsub', ADMIN_TOKENS: ADMIN, INGEST_TOKENS: INGEST } });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await closeBrowser(browser);
    await host?.stop(true);
    await emulator?.stop();
  });

  const api = (method: string, path: string, body?: unknown, token = ADMIN) => callApi(host.url, token, method, path, body);

  it('shows its fields, gives the key way to an emulator, refuses a wrong field in place, and saves a set-up that delivers', async () => {
    const session = (await api('POST', '/v1/console-sessions', { siteNumber: 7 })).body.url as string;
    const { page, requested } = await openPage(browser, 1440);
    await page.goto(host.url + session);
    await page.getByRole('link', { name: 'New event connector' }).click();
    await page.getByRole('radio', { name: 'Google Cloud Pub/Sub' }).check();
    const labels = () => page.locator('form label[for]').allTextContents();
    await expect
      .poll(labels)
      .toEqual(['Display name *', 'Partner number *', 'Project ID *', 'Topic ID *', 'Service account key (JSON) *', 'Emulator endpoint']);
    expect(await page.getByLabel(/^Service account key/).getAttribute('type')).toBe('password');
    await page.getByLabel('Display name').fill('Activations topic');
    await page.getByLabel('Partner number').fill('33');
    await page.getByLabel('Project ID').fill(PROJECT);
    await page.getByLabel('Topic ID').fill('no such topic!');
    // A key typed, then an emulator named: the key gives way (hidden, and not sent).
    await page.getByLabel(/^Service account key/).fill('{"type":"service_account"}');
    await page.getByLabel('Emulator endpoint').fill(emulator.endpoint);
    expect(await labels()).not.toContain('Service account key (JSON) *');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#field-settings-topicId-error').textContent()).toMatch(/topicId/);
    expect(await page.getByLabel('Topic ID').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Topic ID').fill(TOPIC);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('new-connector-pubsub.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Activations topic is saved');
    expect(await page.locator('.check').textContent()).toContain('The check passed.');
    expect(onlyHost(host.url, requested)).toBe(true);
    await page.context().close();

    // What the form saved delivers: the documented message, with its profile as ordering key.
    const [saved] = (await api('GET', '/v1/connectors?siteNumber=7&type=pubsub')).body;
    expect(saved.settings).toEqual({
      projectId: PROJECT,
      topicId: TOPIC,
      emulatorEndpoint: emulator.endpoint,
      serviceAccountKeySet: false,
    });
    const { source } = (await api('POST', '/v1/bindings', audienceBinding(saved.id))).body;
    const event = profileEvent(source.id, { siteNumber: 7, profile: { profileId: 'p-1', partnerIds: { '33': ['4'] }, properties: {} } });
    expect((await api('POST', '/v1/events', { events: [event] }, INGEST)).status).toBe(202);
    const [message] = await eventually('the message on the topic', async () => {
      const got = await subscription.withOrderingKey('p-1');
      return got.length > 0 ? got : undefined;
    });
    expect(JSON.parse(message.data)).toMatchObject({
      profileId: 'p-1',
      partnerNumber: 33,
      callType: 'NEW',
      sourceId: source.id,
      sourceName: 'some name',
    });
  });
});
