import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import type { Browser, Page } from 'playwright-core';
import { callApi, closeBrowser, launchChromium, onlyHost, openPage } from './browser.js';
import { audienceBinding, profileEvent, webhookConnector } from './fixtures.js';
import { eventually, TestHost } from './test-host.js';

// What the console's browser suites share: the real host with the webhook connector, a real receiver on loopback,
// Debian's chromium (driven by playwright-core; no browser download), and the API as the platform calls it.

const ADMIN = 'console-browser-admin-token-0123';
const INGEST = 'console-browser-ingest-token-012';

export class ConsoleUnderTest {
  private constructor(
    readonly host: TestHost,
    readonly receiver: WebhookReceiver,
    readonly browser: Browser,
    private readonly secret: string,
  ) {}

  static async start(): Promise<ConsoleUnderTest> {
    const secret = generateSigningSecret();
    const receiver = await WebhookReceiver.start(secret);
    const host = await TestHost.configured({ env: { CONNECTORS: 'webhook', ADMIN_TOKENS: ADMIN, INGEST_TOKENS: INGEST } });
    const browser = await launchChromium();
    return new ConsoleUnderTest(host, receiver, browser, secret);
  }

  async stop(): Promise<void> {
    await closeBrowser(this.browser);
    await this.host.stop(true);
    await this.receiver.stop();
  }

  /** The host's API with the admin token (or another). */
  api(method: string, path: string, body?: unknown, token = ADMIN): Promise<{ status: number; body: any }> {
    return callApi(this.host.url, token, method, path, body);
  }

  /** A webhook connector of `site` bound to an audience: its id and the audience's (the events' sourceId). */
  async connector(site: number, name: string): Promise<{ id: string; sourceId: string }> {
    const created = await this.api('POST', '/v1/connectors', webhookConnector(this.receiver.url, this.secret, { siteNumber: site, name }));
    if (created.status !== 201) throw new Error(`connector not created: ${JSON.stringify(created.body)}`);
    const bound = await this.api('POST', '/v1/bindings', audienceBinding(created.body.id));
    return { id: created.body.id, sourceId: bound.body.source.id };
  }

  /** Posts one event per profile through the ingest API, as the platform does. */
  async post(site: number, sourceId: string, profileIds: string[]): Promise<void> {
    const events = profileIds.map((profileId) =>
      profileEvent(sourceId, { siteNumber: site, profile: { profileId, partnerIds: { '33': ['1'] }, properties: {} } }),
    );
    const answer = await this.api('POST', '/v1/events', { events }, INGEST);
    if (answer.status !== 202) throw new Error(`events refused: ${JSON.stringify(answer.body)}`);
  }

  /** Waits until the connector's history holds `count` messages with `status`. */
  async settled(connectorId: string, count: number, status: 'delivered' | 'dead_lettered'): Promise<void> {
    await eventually(`${count} ${status}`, async () => {
      const page = await this.api('GET', `/v1/connectors/${connectorId}/messages?outcome=${status}`);
      return page.body?.items?.length === count ? true : undefined;
    });
  }

  /**
   * A page of a fresh browser context at `width`, signed in as a session of `site` and showing `hash`, recording
   * every request it makes.
   */
  async open(site: number, hash: string, width: number): Promise<{ page: Page; requested: string[] }> {
    const session = (await this.api('POST', '/v1/console-sessions', { siteNumber: site })).body.token as string;
    const { page, requested } = await openPage(this.browser, width);
    await page.goto(`${this.host.url}/console/#session=${session}`);
    // Once the console took the session from the address (and wiped it), it is sent to the page asked for.
    await page.getByText(`Site ${site}`).waitFor();
    await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
    return { page, requested };
  }

  /** Whether every request a page made went to the host. */
  onlyHost(requested: readonly string[]): boolean {
    return onlyHost(this.host.url, requested);
  }
}
