import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { hrefOf } from '../router.js';
import { ConnectorActions } from './connector-actions.js';
import './connector-page.css';
import { ConnectorSummary } from './connector-summary.js';
import { DeadLetters } from './dead-letters.js';
import { MessageHistory } from './message-history.js';
import { ReplaysForm } from './replays-form.js';
import { TrafficSection } from './traffic-section.js';
import { useConnector } from './use-connector.js';

const BackLink = () => html`<p class="back"><a href=${hrefOf({ page: 'connectors' })}>← All event connectors</a></p>`;

/**
 * One connector: what it is and how it delivers, its traffic, its messages and their attempts, its dead letters,
 * replays of its history, and pausing, resuming or deleting it. A connector the session's site does not have (another
 * site's, or deleted) is "no such connector", with nothing of it shown.
 */
export function ConnectorPage({ id }: { id: string }) {
  const connector = useConnector(id);
  // Bumped by Refresh: every section loads again.
  const [version, setVersion] = useState(0);
  const state = connector.value;

  if (!state)
    return html`<div class="connector-page">
      <${BackLink} />
      <h1>Event connector</h1>
      <p aria-live="polite">${connector.loading ? 'Loading the connector…' : ''}</p>
      <div role="alert">
        ${
          connector.problem &&
          html`<div class="notice">
            <p>The connector could not be loaded: ${connector.problem}.</p>
            <button type="button" onClick=${() => void connector.reload()}>Try again</button>
          </div>`
        }
      </div>
    </div> `;
  if (!state.found)
    return html`
      <${BackLink} />
      <h1>No such connector on this site</h1>
      <p>It was deleted, or it belongs to another site. This site's connectors are in the list.</p>
    `;

  const { view, health } = state;
  const refresh = () => {
    setVersion((before) => before + 1);
    void connector.reload();
  };
  return html`
    <div class="connector-page">
      <${BackLink} />
      <div class="toolbar">
        <h1>${view.name}</h1>
        <div class="actions">
          <a class="button" href=${hrefOf({ page: 'add-to-source', id: view.id })}>Add to audience or journey</a>
          <a class="button" href=${hrefOf({ page: 'edit-connector', id: view.id })}>Settings</a>
          <button type="button" class="secondary" onClick=${refresh}>Refresh</button>
        </div>
      </div>
      <${ConnectorSummary} view=${view} health=${health} />
      <p class="updated" aria-live="polite">
        ${connector.loading ? 'Loading…' : connector.at ? `Updated ${connector.at.toLocaleTimeString('en')}` : ''}
      </p>
      <div role="alert">
        ${connector.problem && html`<div class="notice"><p>The connector could not be refreshed: ${connector.problem}.</p></div>`}
      </div>
      <${ConnectorActions} view=${view} onChanged=${connector.reload} />
      <${TrafficSection} id=${id} version=${version} />
      <${MessageHistory} id=${id} version=${version} />
      <${DeadLetters} id=${id} version=${version} onChanged=${connector.reload} />
      <${ReplaysForm} id=${id} />
    </div>
  `;
}
