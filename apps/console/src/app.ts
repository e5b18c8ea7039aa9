import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { ApiClient, type ApiError } from './api-client.js';
import { AddToSourcePage } from './bindings/add-to-source-page.js';
import { ConnectorPage } from './connector/connector-page.js';
import { ConnectorsPage } from './connectors-page.js';
import { ConsoleContextProvider } from './console-context.js';
import { EditConnectorPage } from './forms/edit-connector-page.js';
import { NewConnectorPage } from './forms/new-connector-page.js';
import { type Route, useRoute } from './router.js';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'connectors':
      return html`<${ConnectorsPage} />`;
    case 'new-connector':
      return html`<${NewConnectorPage} />`;
    case 'connector':
      return html`<${ConnectorPage} id=${route.id} key=${route.id} />`;
    case 'add-to-source':
      return html`<${AddToSourcePage} id=${route.id} key=${route.id} />`;
    case 'edit-connector':
      return html`<${EditConnectorPage} id=${route.id} key=${route.id} />`;
  }
}

/** The console of one site, opened with a session the platform made (`#session=` in the link). */
export function App({ token, siteNumber }: { token: string | undefined; siteNumber: number | undefined }) {
  // A 401 on any call: the session expired or is not valid, and nothing of the site is shown any more.
  const [refused, setRefused] = useState<ApiError>();
  const context = useMemo(
    () => (token && siteNumber !== undefined ? { api: new ApiClient(token, setRefused), siteNumber } : undefined),
    [token, siteNumber],
  );
  const route = useRoute();
  return html`
    <header class="bar">
      <p class="product">Event connectors</p>
      ${context && !refused && html`<p class="site">Site ${context.siteNumber}</p>`}
    </header>
    <main>
      ${
        !context
          ? html`<h1>Event connectors</h1>
              <p role="alert">No console session: open the console from your platform's Connectors page.</p>`
          : refused
            ? html`<h1>Event connectors</h1>
                <div role="alert" class="notice">
                  <p><strong>${/expired/.test(refused.message) ? 'This session has expired.' : 'This session is not valid.'}</strong></p>
                  <p>${refused.message}</p>
                </div>`
            : html`<${ConsoleContextProvider.Provider} value=${context}><${Page} route=${route} /></${ConsoleContextProvider.Provider}>`
      }
    </main>
  `;
}
