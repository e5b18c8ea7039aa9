import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiClient, ApiError } from './api-client.js';
import type { ConnectorHealth, ConnectorHealthList } from './connector-health.js';
import { ConnectorsTable } from './connectors-table.js';

type Problem = { kind: 'refused'; message: string; expired: boolean } | { kind: 'failed'; message: string };

/** The console of one site, opened with a session the platform made (`#session=` in the link). */
export function App({ token, siteNumber }: { token: string | undefined; siteNumber: number | undefined }) {
  const [connectors, setConnectors] = useState<{ list: ConnectorHealth[]; at: Date }>();
  const [problem, setProblem] = useState<Problem>();
  const [loading, setLoading] = useState(false);
  // Only the latest load answers: an older one finishing late never shows stale connectors over newer ones.
  const latest = useRef(0);
  const load = useCallback(async () => {
    if (!token) return;
    const mine = ++latest.current;
    setLoading(true);
    try {
      const { connectors: list } = await new ApiClient(token).get<ConnectorHealthList>('/health/connectors');
      if (mine !== latest.current) return;
      setConnectors({ list, at: new Date() });
      setProblem(undefined);
    } catch (error) {
      if (mine !== latest.current) return;
      if (error instanceof ApiError && error.status === 401)
        setProblem({ kind: 'refused', message: error.message, expired: /expired/.test(error.message) });
      else setProblem({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      if (mine === latest.current) setLoading(false);
    }
  }, [token]);
  useEffect(() => void load(), [load]);

  return html`
    <header class="bar">
      <p class="product">Event connectors</p>
      ${siteNumber !== undefined && problem?.kind !== 'refused' && html`<p class="site">Site ${siteNumber}</p>`}
    </header>
    <main>
      <h1>Event connectors</h1>
      ${
        !token
          ? html`<p role="alert">No console session: open the console from your platform's Connectors page.</p>`
          : html`
              <div class="toolbar">
                <p aria-live="polite">
                  ${loading ? "Loading the site's connectors…" : connectors ? `Updated ${connectors.at.toLocaleTimeString('en')}` : ''}
                </p>
                <button type="button" onClick=${() => void load()} disabled=${problem?.kind === 'refused'}>Refresh</button>
              </div>
              <div role="alert">
                ${
                  problem?.kind === 'refused' &&
                  html`<div class="notice">
                    <p><strong>${problem.expired ? 'This session has expired.' : 'This session is not valid.'}</strong></p>
                    <p>${problem.message}</p>
                  </div>`
                }
                ${
                  problem?.kind === 'failed' &&
                  html`<div class="notice"><p>The connectors could not be loaded: ${problem.message}. Refresh to try again.</p></div>`
                }
              </div>
              ${connectors && problem?.kind !== 'refused' && html`<${ConnectorsTable} connectors=${connectors.list} />`}
            `
      }
    </main>
  `;
}
