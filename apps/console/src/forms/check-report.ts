import { html } from 'htm/preact';
// The SDK's own type, from its file (type-only: nothing of it is bundled).
import type { CheckResult } from '../../../../libs/connector-sdk/src/event-connector.js';

export type { CheckResult };

/** What a connector's check found at its destination: passed (with what it reported), its problem, its warnings. */
export function CheckReport({ check }: { check: CheckResult }) {
  const details = Object.entries(check.details);
  return html`
    <div class=${check.ok ? 'check check-ok' : 'check check-failed'}>
      <p>
        <strong>${check.ok ? 'The check passed.' : 'The check failed.'}</strong>
        ${check.problem && html` <code>${check.problem.code}</code>: ${check.problem.message}`}
      </p>
      ${
        check.warnings &&
        check.warnings.length > 0 &&
        html`<ul class="warnings">
          ${check.warnings.map((warning) => html`<li key=${warning.code}>Warning <code>${warning.code}</code>: ${warning.message}</li>`)}
        </ul>`
      }
      ${
        details.length > 0 &&
        html`<dl class="details">
          ${details.map(
            ([name, value]) =>
              html`<div key=${name}>
                <dt>${name}</dt>
                <dd>${String(value)}</dd>
              </div>`,
          )}
        </dl>`
      }
    </div>
  `;
}
