import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/browser.js';
import { ConsoleUnderTest } from '../support/console-browser.js';
import { eventually } from '../support/test-host.js';

// What an operator does on the console's connector page, in a real browser against the real host and a real
// webhook receiver: pause and resume, delete after confirming, a replay of a time range followed to its end, and
// another site's connector kept out of sight. What the page shows: connector-page.browser.spec.ts.

let env: ConsoleUnderTest;
beforeAll(async () => {
  env = await ConsoleUnderTest.start();
});
afterAll(async () => {
  await env?.stop();
});

/** A time as `<input type="datetime-local">` takes it, in this machine's time zone (the browser's too). */
function localInput(time: number): string {
  const date = new Date(time);
  return new Date(time - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

describe("the console's connector page, acting", () => {
  it('pauses and resumes delivery', async () => {
    const { id } = await env.connector(7, 'Pausable webhook');
    const { page } = await env.open(7, `#/connectors/${id}`, 1024);
    const enabled = async () => (await env.api('GET', `/v1/connectors/${id}`)).body.enabled as boolean;

    await page.getByRole('button', { name: 'Pause delivery' }).click();
    await eventually('paused', async () => ((await enabled()) ? undefined : true));
    await expect.poll(() => page.locator('.facts dd .status').textContent()).toBe('Disabled');
    // The same button, now Resume, still has the focus: the keyboard resumes it where it paused it.
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.textContent?.trim()')).toBe('Resume delivery');
    await page.keyboard.press('Enter');
    await eventually('resumed', async () => ((await enabled()) ? true : undefined));
    await expect.poll(() => page.locator('.facts dd .status').textContent()).toBe('Active');
    await expect.poll(() => page.getByText('Delivery resumed.').count()).toBe(1);
    await page.context().close();
  });

  it('lifts a pause delivery made itself (the receiver refused its credentials) once the receiver takes them again', async () => {
    const { id, sourceId } = await env.connector(7, 'Self-paused webhook');
    env.receiver.answerWith(({ body }) => ((JSON.parse(body) as { sourceId: string }).sourceId === sourceId ? { status: 401 } : undefined));
    await env.post(7, sourceId, ['p-paused']);
    const paused = async () => (await env.api('GET', `/v1/connectors/${id}`)).body.paused as { reason: string } | null;
    await eventually('paused by delivery', async () => ((await paused()) ? true : undefined));
    const { page } = await env.open(7, `#/connectors/${id}`, 1024);
    await expect.poll(() => page.locator('.facts dd .status').textContent()).toBe('Paused');
    env.receiver.answerWith(undefined);
    await page.getByRole('button', { name: 'Resume delivery' }).click();
    await eventually('the pause lifted', async () => ((await paused()) ? undefined : true));
    // The message held while paused goes once resumed.
    await env.settled(id, 1, 'delivered');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('.facts dd .status').textContent()).toBe('Active');
    await page.context().close();
  });

  it('deletes a connector only once the deletion is confirmed', async () => {
    const { id } = await env.connector(7, 'Doomed webhook');
    const { page } = await env.open(7, `#/connectors/${id}`, 1024);
    const dialog = page.getByRole('alertdialog', { name: 'Delete Doomed webhook?' });

    // Asked, then cancelled (with Escape, from Cancel, which had the focus): nothing deleted.
    await page.getByRole('button', { name: 'Delete connector' }).click();
    await expect.poll(() => dialog.count()).toBe(1);
    await expect.poll(() => page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Cancel');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await env.api('GET', `/v1/connectors/${id}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete connector' }).click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await env.api('GET', `/v1/connectors/${id}`)).status).toBe(200);

    // Confirmed: gone, and the page is the list again, without it.
    await page.getByRole('button', { name: 'Delete connector' }).click();
    await dialog.getByRole('button', { name: 'Yes, delete it' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Event connectors');
    expect(page.url()).toMatch(/#\/$/);
    await expect.poll(() => page.getByRole('rowheader').count()).toBeGreaterThan(0);
    expect(await page.getByRole('rowheader').allTextContents()).not.toContain('Doomed webhook');
    expect((await env.api('GET', `/v1/connectors/${id}`)).status).toBe(404);
    await page.context().close();
  });

  it('replays a time range from the page: its progress to the end, and the receiver gets the messages again', async () => {
    const { id, sourceId } = await env.connector(7, 'Resynced webhook');
    await env.post(7, sourceId, ['r-1', 'r-2']);
    await env.settled(id, 2, 'delivered');
    const ids = env.receiver.received.filter((webhook) => JSON.parse(webhook.body).sourceId === sourceId).map((webhook) => webhook.id);
    expect(ids).toHaveLength(2);
    const { page, requested } = await env.open(7, `#/connectors/${id}`, 1440);
    const from = page.getByLabel('From', { exact: true });
    await from.waitFor();

    // A range that starts after it ends (the host caps `to` at now): the host's refusal is said beside its field.
    await from.fill(localInput(Date.now() + 86_400_000));
    await page.getByLabel('To', { exact: true }).fill(localInput(Date.now() + 2 * 86_400_000));
    await page.getByRole('button', { name: 'Start replay' }).click();
    await expect.poll(() => from.getAttribute('aria-invalid')).toBe('true');
    const error = page.locator(`#${(await from.getAttribute('aria-describedby'))!.split(' ')[0]}`);
    expect(await error.textContent()).toContain('from must not be after to');

    await from.fill(localInput(Date.now() - 3_600_000));
    await page.getByLabel('To', { exact: true }).fill(localInput(Date.now() + 120_000));
    await page.getByRole('button', { name: 'Start replay' }).click();
    await expect.poll(() => from.getAttribute('aria-invalid')).toBeNull();
    const progress = page.locator('.replay-progress');
    await expect.poll(() => progress.locator('dd').first().textContent(), { timeout: 15_000 }).toBe('Completed');
    expect(await progress.locator('.facts > div').filter({ hasText: 'Sent again' }).locator('dd').textContent()).toBe('2');
    // The same messages again, with the ids they had.
    for (const webhookId of ids)
      await eventually(`${webhookId} again`, async () =>
        env.receiver.received.filter((webhook) => webhook.id === webhookId).length === 2 ? true : undefined,
      );
    expect(env.onlyHost(requested)).toBe(true);
    await page.context().close();
  });

  it("shows a session nothing of another site's connector", async () => {
    const { id } = await env.connector(8, 'Secret of site eight');
    const { page, requested } = await env.open(7, `#/connectors/${id}`, 1024);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('No such connector on this site');
    expect(await page.locator('main').textContent()).not.toContain('Secret of site eight');
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing of it was even asked for beyond the connector itself.
    expect(requested.filter((url) => url.includes(id)).map((url) => new URL(url).pathname)).toEqual([`/v1/connectors/${id}`]);
    await page.context().close();
  });
});
