import { html } from 'htm/preact';
import { type ConnectorHealth, lastProblem, statusLabel } from './connector-health.js';
import { hrefOf } from './router.js';

/** The site's connectors: what each is, how its delivery does, what it holds back, what went wrong last. */
export function ConnectorsTable({ connectors }: { connectors: readonly ConnectorHealth[] }) {
  if (connectors.length === 0) return html`<p>This site has no event connectors yet.</p>`;
  return html`
    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="connectors-caption">
      <table>
        <caption id="connectors-caption">
          Event connectors of this site, with their delivery status
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col" class="number">Backlog</th>
            <th scope="col" class="number">Dead letters</th>
            <th scope="col">Last problem</th>
          </tr>
        </thead>
        <tbody>
          ${connectors.map(
            (connector) => html`
              <tr key=${connector.id}>
                <th scope="row"><a href=${hrefOf({ page: 'connector', id: connector.id })}>${connector.name}</a></th>
                <td>${connector.type}</td>
                <td><span class=${`status status-${connector.status}`}>${statusLabel(connector.status)}</span></td>
                <td class="number">${connector.backlog.toLocaleString('en')}</td>
                <td class="number">${connector.deadLetters.toLocaleString('en')}</td>
                <td class="problem">${lastProblem(connector) || html`<span class="none">None</span>`}</td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    </div>
  `;
}
