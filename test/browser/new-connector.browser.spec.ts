import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { InProcessKinesalite, LoopbackSts, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../support/fixtures.js';
import { TestHost } from '../support/test-host.js';
import { callApi, closeBrowser, launchChromium, onlyHost, openPage, screenshotPath, seriousViolations } from '../support/browser.js';

// The documentation's Step 1 in a real browser: "click New event connector, select Kinesis" and fill the form the
// host's JSON Schema describes, against kinesalite (its check finds the stream, or names the missing one), a
// loopback STS for roles (no package emulates STS: the suite's one hand-written AWS peer) and a real webhook receiver.

const ADMIN = 'console-forms-admin-token-012345';
const SITE = 7;
const ROLE = 'arn:aws:iam::123456789012:role/activation-stream-writer';
const SECRET = generateSigningSecret();
let kinesis: InProcessKinesalite;
let sts: LoopbackSts;
let receiver: WebhookReceiver;
let host: TestHost;
let browser: Browser;
let externalId: string;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  await kinesis.createStream('orders', 1);
  sts = await LoopbackSts.start();
  receiver = await WebhookReceiver.start(SECRET);
  host = await TestHost.start(kinesis.endpoint, {
    env: {
      CONNECTORS: 'kinesis,webhook',
      ADMIN_TOKENS: ADMIN,
      KINESIS_STS_ENDPOINT: sts.endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAHOSTIDENTITY0042',
      AWS_SECRET_ACCESS_KEY: 'k'.repeat(40),
    },
  });
  externalId = (await api('GET', `/v1/sites/${SITE}/issued`)).body.externalId;
  sts.allowRole(ROLE, externalId);
  browser = await launchChromium();
});
afterAll(async () => {
  await closeBrowser(browser);
  await host?.stop(true);
  await Promise.all([sts?.stop(), receiver?.stop()]);
  await kinesis?.stop();
});

const api = (method: string, path: string, body?: unknown) => callApi(host.url, ADMIN, method, path, body);

/** The console of site 7, at the new connector's form, the given type chosen. */
async function newConnectorForm(width: number, type: string): Promise<{ page: Page; requested: string[] }> {
  const session = (await api('POST', '/v1/console-sessions', { siteNumber: SITE })).body.url as string;
  const opened = await openPage(browser, width);
  await opened.page.goto(host.url + session);
  await opened.page.getByRole('link', { name: 'New event connector' }).click();
  await opened.page.getByRole('radio', { name: type }).check();
  return opened;
}

/** The labels of the inputs the form shows now, in order. */
const shownLabels = (page: Page) => page.locator('form label[for]').allTextContents();

describe('Step 1: a new event connector from its JSON Schema', () => {
  it('Kinesis with access keys: a refused field shown beside it, a failed check named, then saved with its check passed', async () => {
    const { page, requested } = await newConnectorForm(1440, 'Amazon Kinesis');
    expect(await shownLabels(page)).toEqual([
      'Display name *',
      'Partner number *',
      'AWS access key ID *',
      'AWS secret access key *',
      'AWS region *',
      'Stream name *',
      'Stream ARN',
    ]);
    expect(await page.getByRole('radio', { name: 'Access keys' }).isChecked()).toBe(true);
    expect(await page.getByLabel('AWS secret access key').getAttribute('type')).toBe('password');
    await page.getByLabel('Display name').fill('Orders stream');
    await page.getByLabel('Partner number').fill('33');
    await page.getByLabel('AWS access key ID').fill(TEST_ACCESS_KEY_ID);
    await page.getByLabel('AWS secret access key').fill(TEST_SECRET_ACCESS_KEY);
    await page.getByLabel('AWS region').fill('Europe');
    await page.getByLabel('Stream name').fill('no-such-stream');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('new-connector-kinesis.png'), fullPage: true });

    // The host refuses the region: said beside the field, marked invalid, listed at the top (which takes the focus).
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const regionError = page.locator('#field-settings-region-error');
    await expect.poll(() => regionError.textContent()).toContain('must be an AWS region code');
    expect(await page.getByLabel('AWS region').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('AWS region').getAttribute('aria-describedby')).toContain('field-settings-region-error');
    await expect.poll(() => page.evaluate<string | undefined>("document.activeElement?.getAttribute('role')")).toBe('alert');
    await page.getByRole('button', { name: /must be an AWS region code/ }).click();
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.id')).toBe('field-settings-region');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('new-connector-refused.png'), fullPage: true });

    // The region corrected, the check finds no such stream: nothing saved, the problem named, "Save anyway" offered.
    await page.getByLabel('AWS region').fill(REGION);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The check failed.');
    expect(await page.getByRole('alert').textContent()).toContain('stream_not_found');
    expect(await page.getByRole('button', { name: 'Save anyway' }).isVisible()).toBe(true);
    expect((await api('GET', `/v1/connectors?siteNumber=${SITE}&type=kinesis`)).body).toEqual([]);
    await page.screenshot({ path: screenshotPath('new-connector-check-failed.png'), fullPage: true });

    await page.getByLabel('Stream name').fill('orders');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Orders stream is saved');
    expect(await page.locator('.check').textContent()).toContain('The check passed.');
    await page.screenshot({ path: screenshotPath('new-connector-saved.png'), fullPage: true });
    const [saved] = (await api('GET', `/v1/connectors?siteNumber=${SITE}&type=kinesis`)).body;
    expect(saved).toMatchObject({
      name: 'Orders stream',
      partnerNumber: 33,
      settings: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKeySet: true, region: REGION, streamName: 'orders' },
    });
    expect(onlyHost(host.url, requested)).toBe(true);
    await page.context().close();
  });

  it('Kinesis with a role: the access keys give way to the role, the issued external ID shown read-only, copied, and the role assumed', async () => {
    const { page } = await newConnectorForm(360, 'Amazon Kinesis');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
    // An access key typed first, then the role chosen: the key is hidden, and not sent (the host would refuse it).
    await page.getByLabel('AWS access key ID').fill(TEST_ACCESS_KEY_ID);
    await page.getByRole('radio', { name: 'Assume role' }).check();
    expect(await shownLabels(page)).toEqual([
      'Display name *',
      'Partner number *',
      'IAM role ARN *',
      'External ID',
      'AWS region *',
      'Stream name *',
      'Stream ARN',
    ]);
    const external = page.getByLabel('External ID');
    await expect.poll(() => external.inputValue()).toBe(externalId);
    expect(await external.getAttribute('readonly')).not.toBeNull();
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(externalId);
    // A stream ARN given instead of the name takes the name's place.
    await page.getByLabel('Stream ARN').fill(`arn:aws:kinesis:${REGION}:123456789012:stream/orders`);
    expect(await shownLabels(page)).not.toContain('Stream name *');
    await page.getByLabel('Stream ARN').fill('');
    await page.getByLabel('Display name').fill('Orders through a role');
    await page.getByLabel('Partner number').fill('33');
    await page.getByLabel('IAM role ARN').fill(ROLE);
    await page.getByLabel('AWS region').fill(REGION);
    await page.getByLabel('Stream name').fill('orders');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: screenshotPath('new-connector-role-360.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Orders through a role is saved');
    expect(await page.locator('.check').textContent()).toContain('The check passed.');
    const saved = (await api('GET', `/v1/connectors?siteNumber=${SITE}&type=kinesis`)).body.find(
      (row: { name: string }) => row.name === 'Orders through a role',
    );
    expect(saved.settings).toMatchObject({ credentialMode: 'assumeRole', roleArn: ROLE, externalId });
    await page.context().close();
  });

  it('a webhook: its secrets write-only, extra headers as rows up to their limit', async () => {
    const { page } = await newConnectorForm(1024, 'Webhook (Standard Webhooks)');
    expect(await shownLabels(page)).toEqual([
      'Display name *',
      'Partner number *',
      'Endpoint URL *',
      'Signing secret *',
      'Previous signing secret',
    ]);
    await page.getByLabel('Display name').fill('Orders webhook');
    await page.getByLabel('Partner number').fill('33');
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel(/^Signing secret/).fill(SECRET);
    const addHeader = page.getByRole('button', { name: 'Add extra headers' });
    for (let row = 0; row < 20; row++) await addHeader.click();
    expect(await addHeader.isDisabled()).toBe(true);
    expect(await page.getByText('20 of 20: the most a connector takes, remove one to add another').count()).toBe(1);
    for (let row = 19; row > 0; row--) await page.getByRole('button', { name: `Remove row ${row + 1}` }).click();
    await page.getByLabel('Name 1').fill('X-Tenant');
    await page.getByLabel('Value 1').fill('acme-42');
    expect(await page.getByLabel('Value 1').getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).textContent()).toBe('Orders webhook is saved');
    const saved = (await api('GET', `/v1/connectors?siteNumber=${SITE}&type=webhook`)).body[0];
    expect(saved.settings).toEqual({ url: receiver.url, signingSecretSet: true, previousSigningSecretSet: false, headersSet: true });
    await page.context().close();
  });
});
