import { InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../support/fixtures.js';
import { TestHost } from '../support/test-host.js';
import { callApi, closeBrowser, launchChromium, onlyHost, openPage, screenshotPath, seriousViolations } from '../support/browser.js';

// A saved connector's form in a real browser, against the real host and kinesalite: its secrets shown as "set" and
// kept when left empty, a change checked before it is saved, and another site's connector not there at all.

const ADMIN = 'console-edit-admin-token-0123456';
let kinesis: InProcessKinesalite;
let host: TestHost;
let receiver: WebhookReceiver;
const SECRET = generateSigningSecret();
const PREVIOUS = generateSigningSecret();
let browser: Browser;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await Promise.all([kinesis.createStream('orders', 1), kinesis.createStream('orders-eu', 1)]);
  receiver = await WebhookReceiver.start([SECRET, PREVIOUS]);
  host = await TestHost.start(kinesis.endpoint, { env: { CONNECTORS: 'kinesis,webhook', ADMIN_TOKENS: ADMIN } });
  browser = await launchChromium();
});
afterAll(async () => {
  await closeBrowser(browser);
  await host?.stop(true);
  await receiver?.stop();
  await kinesis?.stop();
});

const api = (method: string, path: string, body?: unknown) => callApi(host.url, ADMIN, method, path, body);
const settings = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName: 'orders' };

describe("a saved connector's settings", () => {
  it('shows its secret as set and keeps it, checks a change before saving it, and names a refused one in place', async () => {
    const { id } = (await api('POST', '/v1/connectors', { type: 'kinesis', siteNumber: 7, name: 'Orders', partnerNumber: 33, settings }))
      .body;
    const session = (await api('POST', '/v1/console-sessions', { siteNumber: 7 })).body.token as string;
    const { page, requested } = await openPage(browser, 1440);
    await page.goto(`${host.url}/console/#session=${session}`);
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    const secret = page.getByLabel('AWS secret access key');
    await expect.poll(() => secret.getAttribute('placeholder')).toBe('Set: leave empty to keep it');
    expect(await secret.inputValue()).toBe('');
    expect(await page.locator('#field-settings-secretAccessKey-set').textContent()).toBe('set');
    expect(await page.getByLabel('Stream name').inputValue()).toBe('orders');
    expect(await page.getByLabel('AWS access key ID').inputValue()).toBe(TEST_ACCESS_KEY_ID);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('edit-connector.png'), fullPage: true });

    // Another stream that does not exist: the check fails and nothing changes.
    await page.getByLabel('Stream name').fill('missing');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('stream_not_found');
    expect((await api('GET', `/v1/connectors/${id}`)).body.settings.streamName).toBe('orders');

    // A new access key without its secret: the host requires the secret again, said beside the field.
    await page.getByLabel('AWS access key ID').fill('AKIAI44QH8DHBEXAMPLE');
    await page.getByLabel('Stream name').fill('orders-eu');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#field-settings-secretAccessKey-error').textContent()).toMatch(/secretAccessKey/);

    // The key as it was and the secret left empty: the stored secret is kept, the stream changes.
    await page.getByLabel('AWS access key ID').fill(TEST_ACCESS_KEY_ID);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Changes to Orders are saved');
    expect(await page.locator('.check').textContent()).toContain('The check passed.');
    const view = (await api('GET', `/v1/connectors/${id}`)).body;
    expect(view.settings).toEqual({
      credentialMode: 'accessKeys',
      accessKeyId: TEST_ACCESS_KEY_ID,
      secretAccessKeySet: true,
      region: REGION,
      streamName: 'orders-eu',
    });
    expect(onlyHost(host.url, requested)).toBe(true);
    await page.context().close();
  });

  it('removes a saved secret only when asked to, and refuses an emptied name in place', async () => {
    const webhook = { url: receiver.url, signingSecret: SECRET, previousSigningSecret: PREVIOUS };
    const { id } = (
      await api('POST', '/v1/connectors', { type: 'webhook', siteNumber: 7, name: 'Rotating', partnerNumber: 33, settings: webhook })
    ).body;
    const session = (await api('POST', '/v1/console-sessions', { siteNumber: 7 })).body.token as string;
    const { page } = await openPage(browser, 1024);
    await page.goto(`${host.url}/console/#session=${session}`);
    await page.getByRole('link', { name: 'Rotating' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    const name = page.getByLabel('Display name');
    await expect.poll(() => name.inputValue()).toBe('Rotating');
    // An emptied name is sent, and refused beside its field: never silently kept.
    await name.fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.locator('#field-name-error').textContent()).toMatch(/name/);
    await name.fill('Rotated');
    // The rotation over: the previous secret removed (an empty input would keep it).
    await page.getByLabel('Remove the saved previous signing secret').check();
    expect(await page.getByLabel(/^Previous signing secret/).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Changes to Rotated are saved');
    const view = (await api('GET', `/v1/connectors/${id}`)).body;
    expect(view.settings).toMatchObject({ signingSecretSet: true, previousSigningSecretSet: false });
    await page.context().close();
  });

  it("is not there for another site's session", async () => {
    const { id } = (
      await api('POST', '/v1/connectors', { type: 'kinesis', siteNumber: 8, name: 'Another tenant', partnerNumber: 33, settings })
    ).body;
    const session = (await api('POST', '/v1/console-sessions', { siteNumber: 7 })).body.token as string;
    const { page } = await openPage(browser, 1024);
    await page.goto(`${host.url}/console/#session=${session}`);
    await page.getByRole('button', { name: 'Refresh' }).waitFor();
    await page.evaluate(`location.hash = '#/connectors/${id}/edit'`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('No such connector on this site');
    expect(await page.content()).not.toContain('Another tenant');
    await page.context().close();
  });
});
