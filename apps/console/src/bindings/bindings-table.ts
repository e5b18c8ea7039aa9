import { html } from 'htm/preact';
import type { BindingView } from './binding-draft.js';

/** The audiences and journey steps a connector is added to, each with what its messages carry. */
export function BindingsTable({
  bindings,
  onRemove,
}: {
  bindings: readonly BindingView[];
  onRemove: (binding: BindingView) => Promise<void>;
}) {
  if (bindings.length === 0) return html`<p>Not added to any audience or journey step yet.</p>`;
  return html`
    <div class="table-scroll" tabindex="0" role="region" aria-labelledby="bindings-caption">
      <table>
        <caption id="bindings-caption">
          Audiences and journey steps this connector is added to
        </caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Kind</th>
            <th scope="col" class="number">Number</th>
            <th scope="col">Source name</th>
            <th scope="col" class="number">Variables</th>
            <th scope="col" class="number">Properties</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${bindings.map(
            (binding) => html`
              <tr key=${binding.id}>
                <th scope="row">${binding.source.name}<br /><code class="muted">${binding.source.id}</code></th>
                <td>${binding.source.type === 'audience' ? 'Audience' : 'Journey step'}</td>
                <td class="number">${binding.source.type === 'audience' ? binding.source.number : ''}</td>
                <td>${binding.sourceName ?? ''}</td>
                <td class="number">${binding.profileVariables.length}</td>
                <td class="number">${Object.keys(binding.properties).length}</td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    aria-label=${`Remove from ${binding.source.name}`}
                    onClick=${() => void onRemove(binding)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    </div>
  `;
}
