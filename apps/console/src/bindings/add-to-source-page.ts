import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { problemOf } from '../api-client.js';
import { useConsole } from '../console-context.js';
import '../forms/forms.css';
import { hrefOf } from '../router.js';
import { useSetup } from '../connector/use-connector.js';
import { useLoad } from '../use-load.js';
import type { BindingView } from './binding-draft.js';
import { BindingForm } from './binding-form.js';
import { BindingsTable } from './bindings-table.js';

/** A connector's audiences and journey steps, and the form that adds it to another. */
export function AddToSourcePage({ id }: { id: string }) {
  const { api } = useConsole();
  const connector = useSetup(id);
  const bindings = useLoad(() => api.get<BindingView[]>(`/v1/bindings?connectorId=${encodeURIComponent(id)}`), `bindings-${id}`);
  const [status, setStatus] = useState('');
  // Where the focus goes when the row that held it is removed.
  const statusLine = useRef<HTMLParagraphElement>(null);
  if (connector.value === null)
    return html`<h1>No such connector on this site</h1>
      <p><a href=${hrefOf({ page: 'connectors' })}>Back to the connectors</a></p>`;
  const name = connector.value?.name ?? '…';
  return html`
    <p><a href=${hrefOf({ page: 'connector', id })}>Back to ${name}</a></p>
    <h1>Add ${name} to an audience or journey</h1>
    ${connector.problem && html`<p role="alert" class="notice">The connector could not be loaded: ${connector.problem}</p>`}
    <p aria-live="polite" class="status-line" tabindex="-1" ref=${statusLine}>${status}</p>
    ${
      bindings.value &&
      html`<${BindingsTable}
        bindings=${bindings.value}
        onRemove=${async (binding: BindingView) => {
          try {
            await api.send('DELETE', `/v1/bindings/${binding.id}`);
            setStatus(`Removed from ${binding.source.name}.`);
          } catch (error) {
            setStatus(`Not removed from ${binding.source.name}: ${problemOf(error)}`);
          }
          statusLine.current?.focus();
          await bindings.reload();
        }}
      />`
    }
    ${
      connector.value &&
      html`<${BindingForm}
        connectorId=${id}
        onAdded=${(source: string) => {
          setStatus(`Added to ${source}.`);
          void bindings.reload();
        }}
      />`
    }
  `;
}
