import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useConsole } from '../console-context.js';
import { hrefOf } from '../router.js';
import { useLoad } from '../use-load.js';
import { ConnectorForm } from './connector-form.js';
import './forms.css';
import type { ConnectorType } from './connector-type.js';

/**
 * The documentation's Step 1: "click New event connector, select Kinesis" (or any loaded type) and fill its form.
 * The form is the type's JSON Schema as the host publishes it: nothing here knows one connector from another.
 */
export function NewConnectorPage() {
  const { api, siteNumber } = useConsole();
  const types = useLoad(() => api.get<ConnectorType[]>('/v1/connector-types'), 'types');
  const issued = useLoad(() => api.get<Record<string, string>>(`/v1/sites/${siteNumber}/issued`), `issued-${siteNumber}`);
  const [chosen, setChosen] = useState<string>();
  const type = types.value?.find((candidate) => candidate.type === chosen);
  return html`
    <p><a href=${hrefOf({ page: 'connectors' })}>Back to the connectors</a></p>
    <h1>New event connector</h1>
    ${issued.problem && html`<p role="alert" class="notice">What this service issues your site (a role's external ID) could not be loaded: ${issued.problem}</p>`}
    ${types.problem && html`<p role="alert" class="notice">The connector types could not be loaded: ${types.problem}</p>`}
    ${
      types.value &&
      html`<fieldset class="type-choice">
        <legend>Connector type</legend>
        ${types.value.map(
          (candidate) =>
            html`<label class="choice-option" key=${candidate.type}>
              <input
                type="radio"
                name="connector-type"
                value=${candidate.type}
                checked=${candidate.type === chosen}
                onChange=${() => setChosen(candidate.type)}
              />
              ${candidate.displayName}
            </label>`,
        )}
      </fieldset>`
    }
    ${type && html`<${ConnectorForm} key=${type.type} type=${type} issued=${issued.value} />`}
  `;
}
