import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';

// What every browser suite shares: Debian's chromium driven by playwright-core (no browser download), axe-core's
// rules, and the folder CI keeps the screenshots in.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve('test/artifacts/console');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}

export const screenshotPath = (name: string) => join(SCREENSHOTS, name);

/** How long closing the browser may hold a suite's teardown. */
const CLOSE_WITHIN_MS = 10_000;

/**
 * Closes the browser, holding the suite's teardown CLOSE_WITHIN_MS at most, and says so when it had to stop waiting:
 * a teardown (browser, host, receiver) once outlasted its whole 30 s hook in CI, on a loaded machine, with nothing
 * failing before it. Chromium is Playwright's child process and dies with the test worker anyway.
 */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_WITHIN_MS)));
  const closed = await Promise.race([browser.close().then(() => true as const), waited]);
  clearTimeout(timer);
  if (!closed) console.warn(`chromium did not close within ${CLOSE_WITHIN_MS} ms: it ends with this test worker`);
}

/** A page of its own context that records every request it makes. */
export async function openPage(browser: Browser, width: number): Promise<{ page: Page; requested: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  return { page, requested };
}

/** Serious and critical accessibility violations on the page as it stands. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** The host's API with a bearer token, JSON both ways. */
export async function callApi(base: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Whether every request a page made went to the host at `base`. */
export const onlyHost = (base: string, requested: readonly string[]) => requested.every((url) => url.startsWith(`${base}/`));
