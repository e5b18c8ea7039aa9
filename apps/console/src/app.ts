import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiClient, ApiError } from './api-client.js';
import type { ConnectorHealth, ConnectorHealthList } from './connector-health.js';
import { ConnectorsTable } from './connectors-table.js';

type View =
  | { kind: 'loading' }
  | { kind: 'connectors'; connectors: ConnectorHealth[]; at: Date }
  | { kind: 'refused'; message: string; expired: boolean }
  | { kind: 'failed'; message: string };

/** The console of one site, opened with a session the platform made (`#session=` in the link). */
export function App({ token, siteNumber }: { token: string | undefined; siteNumber: number | undefined }) {
  const [view, setView] = useState<View>({ kind: 'loading' });
  const load = useCallback(async () => {
    if (!token) return;
    try {
      const { connectors } = await new ApiClient(token).get<ConnectorHealthList>('/health/connectors');
      setView({ kind: 'connectors', connectors, at: new Date() });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401)
        setView({ kind: 'refused', message: error.message, expired: /expired/.test(error.message) });
      else setView({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }, [token]);
  useEffect(() => void load(), [load]);

  return html`
    <header class="bar">
      <p class="product">Event connectors</p>
      ${siteNumber !== undefined && html`<p class="site">Site ${siteNumber}</p>`}
    </header>
    <main>
      <h1>Event connectors</h1>
      ${
        !token
          ? html`<p role="alert">No console session: open the console from your platform's Connectors page.</p>`
          : view.kind === 'loading'
            ? html`<p aria-live="polite">Loading the site's connectors…</p>`
            : view.kind === 'refused'
              ? html`<div role="alert" class="notice">
                  <p><strong>${view.expired ? 'This session has expired.' : 'This session is not valid.'}</strong></p>
                  <p>${view.message}</p>
                </div>`
              : view.kind === 'failed'
                ? html`<div role="alert" class="notice">
                    <p>The connectors could not be loaded: ${view.message}</p>
                    <button type="button" onClick=${() => void load()}>Try again</button>
                  </div>`
                : html`<div class="toolbar">
                      <p aria-live="polite">Updated ${view.at.toLocaleTimeString('en')}</p>
                      <button type="button" onClick=${() => void load()}>Refresh</button>
                    </div>
                    <${ConnectorsTable} connectors=${view.connectors} />`
      }
    </main>
  `;
}
