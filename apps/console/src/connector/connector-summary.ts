import { html } from 'htm/preact';
import { type ConnectorHealth, lastProblem, statusLabel } from '../connector-health.js';
import type { ConnectorView } from './connector-answers.js';
import { count, timeOf } from './format.js';

/** The status the set-up itself implies, for a connector the health report has no row for yet. */
function statusOf(view: ConnectorView, health: ConnectorHealth | undefined): ConnectorHealth['status'] {
  if (health) return health.status;
  if (!view.enabled) return 'disabled';
  return view.paused ? 'paused' : 'active';
}

/** What the connector is and how its delivery does: the facts an operator looks at first. */
export function ConnectorSummary({ view, health }: { view: ConnectorView; health: ConnectorHealth | undefined }) {
  const status = statusOf(view, health);
  const problem = health ? lastProblem(health) : (view.paused?.reason ?? '');
  return html`
    <dl class="facts">
      <div>
        <dt>Type</dt>
        <dd>${view.type}</dd>
      </div>
      <div>
        <dt>Status</dt>
        <dd><span class=${`status status-${status}`}>${statusLabel(status)}</span></dd>
      </div>
      <div>
        <dt>Backlog</dt>
        <dd class="number">${health ? count(health.backlog) : '–'}</dd>
      </div>
      <div>
        <dt>Dead letters</dt>
        <dd class="number">${health ? count(health.deadLetters) : '–'}</dd>
      </div>
      <div>
        <dt>Last success</dt>
        <dd>${health?.lastSuccessAt ? timeOf(health.lastSuccessAt) : html`<span class="none">None yet</span>`}</dd>
      </div>
      <div class="wide">
        <dt>Last problem</dt>
        <dd class="problem">${problem || html`<span class="none">None</span>`}</dd>
      </div>
    </dl>
    ${
      view.paused &&
      html`<div class="notice">
        <p>
          Delivery paused itself on ${timeOf(view.paused.at)}: ${view.paused.reason}. Its messages are kept. Fix the destination, then
          resume delivery.
        </p>
      </div>`
    }
  `;
}
