import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../apps/connector-host/src/sessions/console-sessions.js';
import { audienceBinding, profileEvent, webhookConnector } from '../support/fixtures.js';
import { eventually, TestHost } from '../support/test-host.js';
import {
  callApi,
  closeBrowser,
  launchChromium,
  onlyHost,
  openPage as openIn,
  screenshotPath,
  seriousViolations,
} from '../support/browser.js';

// The console in a real browser (Debian's chromium, driven by playwright-core; no browser download) against the real
// host and a real webhook receiver on loopback: what a tenant's session shows, what an expired one says, the
// accessibility rules (axe-core), the two widths, the keyboard, and that the page asks nothing of anyone but the host.
// Screenshots go to test/artifacts/console/ (CI keeps them).

const ADMIN = 'console-browser-admin-token-0123';
const INGEST = 'console-browser-ingest-token-012';
const SECRET = generateSigningSecret();
let host: TestHost;
let receiver: WebhookReceiver;
let browser: Browser;

beforeAll(async () => {
  receiver = await WebhookReceiver.start(SECRET);
  host = await TestHost.configured({
    env: { CONNECTORS: 'webhook', ADMIN_TOKENS: ADMIN, INGEST_TOKENS: INGEST, DELIVERY_PAUSE_AFTER_FAILURES: '1' },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await closeBrowser(browser);
  await host?.stop(true);
  await receiver?.stop();
});

const api = (method: string, path: string, body?: unknown, token = ADMIN) => callApi(host.url, token, method, path, body);
const openPage = (width: number) => openIn(browser, width);

describe('the console in a browser', () => {
  it("shows a session's site's connectors only, at 360 and 1440 px, without an accessibility violation", async () => {
    const ids: string[] = [];
    for (const [site, name] of [
      [7, 'Orders webhook'],
      [7, 'Returns webhook'],
      [8, 'Another tenant'],
    ] as const) {
      const created = await api('POST', '/v1/connectors', webhookConnector(receiver.url, SECRET, { siteNumber: site, name }));
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    // Returns' receiver refuses its credentials: delivery pauses it, and the console says why.
    const bound = await api('POST', '/v1/bindings', audienceBinding(ids[1]));
    const sourceId = bound.body.source.id as string;
    receiver.answerWith(({ body }) => ((JSON.parse(body) as { sourceId: string }).sourceId === sourceId ? { status: 401 } : undefined));
    const event = profileEvent(sourceId, { siteNumber: 7, profile: { profileId: 'p-1', partnerIds: { '33': ['1'] }, properties: {} } });
    expect((await api('POST', '/v1/events', { events: [event] }, INGEST)).status).toBe(202);
    await eventually('Returns paused', async () =>
      (await api('GET', '/health/connectors')).body.connectors.some(
        (row: { id: string; status: string }) => row.id === ids[1] && row.status === 'paused',
      )
        ? true
        : undefined,
    );
    const opened = (await api('POST', '/v1/console-sessions', { siteNumber: 7 })).body as { url: string };

    for (const width of [1440, 360]) {
      const { page, requested } = await openPage(width);
      // The link as the platform gets it.
      await page.goto(host.url + opened.url);
      const rows = page.getByRole('table').getByRole('row');
      await expect.poll(() => rows.count()).toBe(3); // the header and two connectors
      expect(await page.getByRole('rowheader').allTextContents()).toEqual(['Orders webhook', 'Returns webhook']);
      const returns = rows.filter({ hasText: 'Returns webhook' });
      expect(await returns.getByRole('cell').allTextContents()).toEqual([
        'webhook',
        'Paused',
        '1',
        '0',
        expect.stringContaining('HTTP_401'),
      ]);
      await expect.poll(() => page.getByText('Site 7').count()).toBe(1);
      // The token left the address bar (not bookmarked, not shared with a copied link), and stays with the tab.
      expect(page.url()).toBe(`${host.url}/console/`);
      await page.reload();
      await expect.poll(() => rows.count()).toBe(3);
      expect(await seriousViolations(page)).toEqual([]);
      // At 360 px the page does not scroll sideways: the table scrolls in its own region.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await page.screenshot({ path: screenshotPath(`connectors-${width}.png`), fullPage: true });
      expect(onlyHost(host.url, requested)).toBe(true);
      await page.context().close();
    }
  });

  it('is used with the keyboard: Refresh is reached by Tab and loads again', async () => {
    const session = (await api('POST', '/v1/console-sessions', { siteNumber: 7 })).body.token as string;
    const { page, requested } = await openPage(1024);
    await page.goto(`${host.url}/console/#session=${session}`);
    await expect.poll(() => page.getByRole('rowheader').count()).toBeGreaterThan(0);
    const loads = () => requested.filter((url) => url.endsWith('/health/connectors')).length;
    const before = loads();
    let reached = false;
    for (let step = 0; step < 10 && !reached; step++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate<boolean>("document.activeElement?.textContent === 'Refresh'");
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(loads).toBe(before + 1);
    await page.context().close();
  });

  it('takes a new session link given to the same tab or frame, and shows its site instead of the one before', async () => {
    const first = (await api('POST', '/v1/console-sessions', { siteNumber: 7 })).body.url as string;
    const second = (await api('POST', '/v1/console-sessions', { siteNumber: 8 })).body.token as string;
    const { page } = await openPage(1024);
    await page.goto(host.url + first);
    await expect.poll(() => page.getByText('Site 7').count()).toBe(1);
    // The platform navigates its frame to another tenant's link: only the fragment changes, nothing reloads by itself.
    await page.evaluate(`location.hash = 'session=${second}'`);
    await expect.poll(() => page.getByText('Site 8').count()).toBe(1);
    expect(await page.getByRole('rowheader').allTextContents()).toEqual(['Another tenant']);
    expect(page.url()).toBe(`${host.url}/console/`);
    await page.context().close();
  });

  it('says a session expired, and that there is none without one', async () => {
    const expired = await host.app.get(ConsoleSessions, { strict: false }).issue(7, 60, Date.now() - 120_000);
    const { page } = await openPage(1024);
    await page.goto(`${host.url}/console/#session=${expired.token}`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('This session has expired.');
    expect(await alert.textContent()).toContain('open the console again from the platform');
    await page.screenshot({ path: screenshotPath('session-expired.png') });
    expect(await seriousViolations(page)).toEqual([]);
    const fresh = await openPage(1024);
    await fresh.page.goto(`${host.url}/console/`);
    await expect.poll(() => fresh.page.getByRole('alert').textContent()).toContain('No console session');
    await page.context().close();
    await fresh.page.context().close();
  });

  it('is served with a policy that allows the host only, and stays a small bundle', async () => {
    const page = await fetch(`${host.url}/console/`);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Framed by the host's own pages only by default, and not forbidden by the older header a platform's frame trips on.
    expect(page.headers.get('x-frame-options')).toBeNull();
    // Its redirects and its 404s carry the same policy; its hashed assets are kept a year.
    const redirect = await fetch(`${host.url}/console`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/console/']);
    const missing = await fetch(`${host.url}/console/no-such-page`);
    for (const answer of [redirect, missing]) expect(answer.headers.get('content-security-policy')).toBe(policy);
    expect(missing.status).toBe(404);
    const script = /src="([^"]+\.js)"/.exec(await page.text())![1];
    expect((await fetch(host.url + script)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // A platform named in CONSOLE_FRAME_ANCESTORS may frame it.
    const framed = await TestHost.configured({ env: { CONNECTORS: 'webhook', CONSOLE_FRAME_ANCESTORS: 'https://platform.example.com' } });
    try {
      const framedPolicy = (await fetch(`${framed.url}/console/`)).headers.get('content-security-policy');
      expect(framedPolicy).toContain('frame-ancestors https://platform.example.com');
    } finally {
      await framed.stop(true);
    }
    const assets = resolve('dist/console/assets');
    const files = readdirSync(assets).map((file) => join(assets, file));
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    const gzipped = files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
    console.log(`console bundle: ${files.length} files, ${bytes} bytes, ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThan(40_000);
  });
});
