import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Console from '../../apps/console/src/connector/connector-answers.js';
import type { ConnectorView, SavedConnector } from '../../apps/connector-host/src/setups/connector-view.js';
import type { MessagePage } from '../../apps/connector-host/src/history/message-view.js';
import type { ReplayList, ReplayView } from '../../apps/connector-host/src/history/replay-view.js';
import type { ConnectorStats } from '../../apps/connector-host/src/stats/connector-stats.js';
import { screenshotPath, seriousViolations } from '../support/browser.js';
import { ConsoleUnderTest } from '../support/console-browser.js';
import { eventually } from '../support/test-host.js';

// The console's connector page in a real browser against the real host and a real webhook receiver: its traffic
// totals and message history (searched by profile, each message's attempts with the receiver's receipt), its dead
// letters replayed from the page, the accessibility rules at 360 and 1440 px, and that it asks nothing of anyone but
// the host. Pausing, deleting, replays of a time range and other sites' connectors: connector-actions.browser.spec.ts.

// The console declares the answers whose host modules it cannot typecheck (they reach Node-only code): the host's
// answers must still fit them, or `npm run typecheck` fails here.
type Fits<Host extends Declared, Declared> = Host;
export type HostAnswersFitTheConsole = [
  Fits<ConnectorView, Console.ConnectorView>,
  Fits<SavedConnector, Console.SavedConnector>,
  Fits<MessagePage, Console.MessagePage>,
  Fits<ReplayView, Console.ReplayView>,
  Fits<ReplayList, Console.ReplayList>,
  Fits<ConnectorStats, Console.ConnectorStats>,
];

let env: ConsoleUnderTest;
beforeAll(async () => {
  env = await ConsoleUnderTest.start();
});
afterAll(async () => {
  await env?.stop();
});

/** The number in a row of the traffic totals. */
const total = (page: Page, what: string) =>
  page
    .getByRole('table', { name: /^Totals/ })
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: what, exact: true }) })
    .getByRole('cell')
    .textContent();

/** The value of one of the connector's facts (Status, Dead letters, …). */
const fact = (page: Page, term: string) =>
  page
    .locator('.facts > div')
    .filter({ has: page.getByText(term, { exact: true }) })
    .locator('dd');

describe("the console's connector page", () => {
  it('shows the traffic and the message history, searched by profile, with each attempt and its receipt', async () => {
    const { id, sourceId } = await env.connector(7, 'Orders webhook');
    await env.post(7, sourceId, ['p-1', 'p-2', 'p-1']);
    await env.settled(id, 3, 'delivered');
    const { page, requested } = await env.open(7, `#/connectors/${id}`, 1440);

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Orders webhook');
    await expect.poll(() => total(page, 'Delivered')).toBe('3');
    expect(await fact(page, 'Type').textContent()).toBe('webhook');
    // Another window: the per-day table follows it.
    await page.getByRole('button', { name: '30 days' }).click();
    await page.getByText('Traffic per day (table)').click();
    await expect.poll(() => page.getByRole('region', { name: 'Traffic per day' }).getByRole('row').count()).toBe(31);
    expect(await page.getByRole('button', { name: '30 days' }).getAttribute('aria-pressed')).toBe('true');
    expect(await total(page, 'Delivered')).toBe('3');

    const history = page.getByRole('table', { name: /^Messages given/ });
    const profiles = () => history.locator('tbody td.profile').allTextContents();
    await expect.poll(profiles).toEqual(['p-1', 'p-2', 'p-1']);
    await page.screenshot({ path: screenshotPath('connector-1440.png'), fullPage: true });
    await page.getByLabel('Profile id').fill('p-2');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(profiles).toEqual(['p-2']);
    // Its attempt, with the receipt the receiver's answer gave: the webhook-id it received.
    const messageId = (await history.locator('tbody th code').textContent())!;
    const received = env.receiver.received.find((webhook) => webhook.id.endsWith(`_${messageId}`));
    expect(received).toBeDefined();
    await history.getByText('1 attempt').click();
    const attempt = history.locator('details.attempts li');
    expect(await attempt.textContent()).toContain('Delivered');
    expect(await attempt.textContent()).toContain(received!.id);
    await page.screenshot({ path: screenshotPath('connector-history.png'), fullPage: true });

    expect(await seriousViolations(page)).toEqual([]);
    expect(env.onlyHost(requested)).toBe(true);
    await page.context().close();
  });

  it('shows a dead letter, replays it from the page once the receiver is healed, and says how many went', async () => {
    const { id, sourceId } = await env.connector(7, 'Refused webhook');
    // The receiver refuses this connector's messages for good (a 400 is no set-up problem: the message is dead-lettered).
    const refused: { id: string; body: string }[] = [];
    env.receiver.answerWith(({ id: webhookId, body }) => {
      if ((JSON.parse(body) as { sourceId: string }).sourceId !== sourceId) return undefined;
      refused.push({ id: webhookId, body });
      return { status: 400, body: 'unknown field' };
    });
    await env.post(7, sourceId, ['p-9']);
    await env.settled(id, 1, 'dead_lettered');
    const { page, requested } = await env.open(7, `#/connectors/${id}`, 1440);

    const deadLetters = page.getByRole('table', { name: /^Dead letters/ });
    await expect.poll(() => deadLetters.locator('tbody tr').count()).toBe(1);
    expect(await deadLetters.locator('tbody tr').textContent()).toContain('HTTP_400');
    expect(await fact(page, 'Dead letters').textContent()).toBe('1');
    await page.getByRole('heading', { name: 'Dead letters' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('connector-dead-letters.png'), fullPage: true });

    env.receiver.answerWith(undefined);
    await page.getByRole('button', { name: 'Replay all' }).click();
    await expect.poll(() => page.getByText(/sent again: it is back in the backlog/).count()).toBe(1);
    // The receiver gets the message it refused again, as it was and under the same webhook-id (a replay sends a
    // message again: a receiver that had it drops it).
    const replayed = await eventually('the replayed dead letter', async () =>
      env.receiver.received.find((webhook) => webhook.body === refused[0].body),
    );
    expect(replayed.id).toBe(refused[0].id);
    expect(refused).toHaveLength(1);
    await expect.poll(() => fact(page, 'Dead letters').textContent()).toBe('0');
    await expect.poll(() => deadLetters.count()).toBe(0);
    expect((await env.api('GET', `/v1/connectors/${id}/dead-letters`)).body.total).toBe(0);
    expect(env.onlyHost(requested)).toBe(true);
    await page.context().close();
  });

  it('is readable at 360 px: no sideways scroll of the page, no serious accessibility violation', async () => {
    const { id, sourceId } = await env.connector(7, 'A webhook with a rather long name, to wrap at 360 pixels');
    await env.post(7, sourceId, ['a-profile-id-long-enough-to-wrap-0123456789']);
    await env.settled(id, 1, 'delivered');
    const { page, requested } = await env.open(7, `#/connectors/${id}`, 360);
    await expect
      .poll(() =>
        page
          .getByRole('table', { name: /^Messages given/ })
          .locator('tbody tr')
          .count(),
      )
      .toBe(1);
    await expect.poll(() => total(page, 'Delivered')).toBe('1');
    await page.getByText('Traffic per day (table)').click();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('connector-360.png'), fullPage: true });
    expect(env.onlyHost(requested)).toBe(true);
    await page.context().close();
  });
});
