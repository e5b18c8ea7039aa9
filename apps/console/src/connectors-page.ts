import { html } from 'htm/preact';
import type { ConnectorHealthList } from './connector-health.js';
import { ConnectorsTable } from './connectors-table.js';
import { useConsole } from './console-context.js';
import { hrefOf } from './router.js';
import { useLoad } from './use-load.js';

/** The site's connectors, with a way to make a new one. */
export function ConnectorsPage() {
  const { api } = useConsole();
  const connectors = useLoad(() => api.get<ConnectorHealthList>('/health/connectors'), 'connectors');
  return html`
    <h1>Event connectors</h1>
    <div class="toolbar">
      <p aria-live="polite">
        ${connectors.loading ? "Loading the site's connectors…" : connectors.at ? `Updated ${connectors.at.toLocaleTimeString('en')}` : ''}
      </p>
      <div class="actions">
        <a class="button" href=${hrefOf({ page: 'new-connector' })}>New event connector</a>
        <button type="button" onClick=${() => void connectors.reload()}>Refresh</button>
      </div>
    </div>
    <div role="alert">
      ${connectors.problem && html`<div class="notice"><p>The connectors could not be loaded: ${connectors.problem}. Refresh to try again.</p></div>`}
    </div>
    ${connectors.value && html`<${ConnectorsTable} connectors=${connectors.value.connectors} />`}
  `;
}
