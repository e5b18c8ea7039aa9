import { html } from 'htm/preact';
import { useConsole } from '../console-context.js';
import { hrefOf } from '../router.js';
import { useSetup } from '../connector/use-connector.js';
import { useLoad } from '../use-load.js';
import { ConnectorForm } from './connector-form.js';
import { storedSetup } from './connector-patch.js';
import './forms.css';
import type { ConnectorType } from './connector-type.js';

/** A saved connector's form: its values, its secrets shown as "set" and kept unless typed again. */
export function EditConnectorPage({ id }: { id: string }) {
  const { api, siteNumber } = useConsole();
  const view = useSetup(id);
  const types = useLoad(() => api.get<ConnectorType[]>('/v1/connector-types'), 'types');
  const issued = useLoad(() => api.get<Record<string, string>>(`/v1/sites/${siteNumber}/issued`), `issued-${siteNumber}`);
  if (view.value === null)
    return html`<h1>No such connector on this site</h1>
      <p><a href=${hrefOf({ page: 'connectors' })}>Back to the connectors</a></p>`;
  const type = types.value?.find((candidate) => candidate.type === view.value?.type);
  const problem = view.problem ?? types.problem;
  return html`
    <p><a href=${hrefOf({ page: 'connector', id })}>Back to ${view.value?.name ?? 'the connector'}</a></p>
    <h1>Settings of ${view.value?.name ?? '…'}</h1>
    ${issued.problem && html`<p role="alert" class="notice">What this service issues your site (a role's external ID) could not be loaded: ${issued.problem}</p>`}
    ${problem && html`<p role="alert" class="notice">The connector could not be loaded: ${problem}</p>`}
    ${view.value && types.value && !type && html`<p role="alert" class="notice">This host does not load the type ${view.value.type} any more.</p>`}
    ${
      view.value &&
      type &&
      html`<${ConnectorForm} type=${type} issued=${issued.value} existing=${{ id, stored: storedSetup(type.schema, view.value) }} />`
    }
  `;
}
