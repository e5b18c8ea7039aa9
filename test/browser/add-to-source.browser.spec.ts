import { InProcessKinesalite, TEST_ACCESS_KEY_ID, TEST_SECRET_ACCESS_KEY } from '@event-connectors/kinesis-connector/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION } from '../support/fixtures.js';
import { eventually, TestHost } from '../support/test-host.js';
import { callApi, closeBrowser, launchChromium, onlyHost, openPage, screenshotPath, seriousViolations } from '../support/browser.js';

// The documentation's Step 2 in a real browser: the connector added to an audience or a journey step, with a
// source name ("Fill" copies the audience's name) and up to 10 profile variables and property-value pairs, against
// the real host and kinesalite, which then gets the documented message with what the form said.

const ADMIN = 'console-bindings-admin-token-012';
const INGEST = 'console-bindings-ingest-token-01';
const SITE = 7;
let kinesis: InProcessKinesalite;
let host: TestHost;
let browser: Browser;

beforeAll(async () => {
  kinesis = await InProcessKinesalite.start(REGION);
  host = await TestHost.start(kinesis.endpoint, { env: { CONNECTORS: 'kinesis', ADMIN_TOKENS: ADMIN, INGEST_TOKENS: INGEST } });
  browser = await launchChromium();
});
afterAll(async () => {
  await closeBrowser(browser);
  await host?.stop(true);
  await kinesis?.stop();
});

const api = (method: string, path: string, body?: unknown) => callApi(host.url, ADMIN, method, path, body);

describe('Step 2: added to an audience or a journey step', () => {
  it('fills the source name from the audience, takes 10 profile variables and refuses the 11th, and the stream gets what the form said', async () => {
    const stream = 'buyers';
    await kinesis.createStream(stream, 1);
    const connector = (
      await api('POST', '/v1/connectors', {
        type: 'kinesis',
        siteNumber: SITE,
        name: 'Buyers stream',
        partnerNumber: 33,
        settings: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY, region: REGION, streamName: stream },
      })
    ).body;
    const session = (await api('POST', '/v1/console-sessions', { siteNumber: SITE })).body.token as string;
    const { page, requested } = await openPage(browser, 1440);
    await page.goto(`${host.url}/console/#session=${session}`);
    await page.getByRole('link', { name: 'Buyers stream' }).click();
    await page.getByRole('link', { name: 'Add to audience or journey' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Add Buyers stream to an audience or journey');

    // A journey step has no number; an audience has one.
    await page.getByRole('radio', { name: 'A journey step' }).check();
    expect(await page.getByLabel('Audience number').count()).toBe(0);
    await page.getByRole('radio', { name: 'An audience' }).check();
    // A wrong id is refused beside its field.
    await page.getByLabel('Audience ID').fill('not-a-uuid');
    await page.getByLabel('Audience number').fill('123');
    await page.getByLabel('Audience name').fill('Frequent buyers');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.locator('#binding-source-id-error').textContent()).toBe('id must be a UUID');

    const sourceId = 'dc0beb89-2d63-4ec7-899a-6e986ed8932f';
    await page.getByLabel('Audience ID').fill(sourceId);
    await page.getByRole('button', { name: 'Fill' }).click();
    expect(await page.getByLabel('Source name').inputValue()).toBe('Frequent buyers');
    const addVariable = page.getByRole('button', { name: 'Add profile variable' });
    for (let index = 0; index < 10; index++) {
      await addVariable.click();
      await page.getByLabel(`Variable ${index + 1} name`).fill(`var${index + 1}`);
      await page.getByLabel(`Variable ${index + 1} profile property`).fill(`property_${index + 1}`);
    }
    // The 11th: the button stops at the limit and says why.
    expect(await addVariable.isDisabled()).toBe(true);
    expect(await page.locator('#binding-profileVariables-count').textContent()).toContain('10 of 10: the most a connector takes');
    await page.getByRole('button', { name: 'Add property' }).click();
    await page.getByLabel('Property 1', { exact: true }).fill('another');
    await page.getByLabel('Property 1 value').fill('123');
    await page.getByRole('checkbox', { name: 'Number' }).check();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('add-to-audience.png'), fullPage: true });
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.locator('.status-line').textContent()).toBe('Added to Frequent buyers.');
    await expect.poll(() => page.getByRole('table').getByRole('row').count()).toBe(2);

    const [binding] = (await api('GET', `/v1/bindings?connectorId=${connector.id}`)).body;
    expect(binding).toMatchObject({
      source: { type: 'audience', id: sourceId, number: 123, name: 'Frequent buyers' },
      sourceName: 'Frequent buyers',
      properties: { another: 123 },
    });
    expect(binding.profileVariables).toHaveLength(10);
    // An event of that audience reaches the stream as the documented message, with what the form said.
    const properties = Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`property_${index + 1}`, `v${index + 1}`]));
    const event = {
      siteNumber: SITE,
      sourceId,
      callType: 'NEW',
      timestamp: 1234567890,
      profile: { profileId: 'p-1', partnerIds: { '33': ['4'] }, properties },
    };
    expect((await callApi(host.url, INGEST, 'POST', '/v1/events', { events: [event] })).status).toBe(202);
    const [record] = await eventually('the message in the stream', async () => {
      const records = await kinesis.readAll(stream);
      return records.length > 0 ? records : undefined;
    });
    const message = JSON.parse(record.data);
    expect(message).toMatchObject({ sourceName: 'Frequent buyers', sourceNumber: 123, data: { another: 123 } });
    expect(Object.keys(message.profileVars)).toEqual(Array.from({ length: 10 }, (_, index) => `var${index + 1}`));
    // Removed from the audience: the host no longer routes its events to the connector.
    await page.getByRole('button', { name: 'Remove from Frequent buyers' }).click();
    await expect.poll(() => page.locator('.status-line').textContent()).toBe('Removed from Frequent buyers.');
    expect((await api('GET', `/v1/bindings?connectorId=${connector.id}`)).body).toEqual([]);
    expect(onlyHost(host.url, requested)).toBe(true);
    await page.context().close();
  });
});
