import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { describedBy, FieldLabel, FieldNotes, type FieldProps } from './field-props.js';

/**
 * A value the host issues the site (the external ID a role's trust policy must require): never typed, shown
 * read-only with a button that copies it.
 */
export function IssuedField(props: FieldProps) {
  const { id, issued } = props;
  const [copied, setCopied] = useState('');
  const copy = async () => {
    if (!issued) return;
    try {
      await navigator.clipboard.writeText(issued);
      setCopied('Copied.');
    } catch {
      // No clipboard for this page (an insecure origin or a refused permission): select it for the keyboard's copy.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
      setCopied('Selected: copy it with your keyboard.');
    }
  };
  return html`
    <div class="field">
      <${FieldLabel} ...${props} />
      <div class="with-button">
        <input id=${id} type="text" readonly value=${issued ?? 'Loading…'} aria-describedby=${describedBy(props)} />
        <button type="button" class="secondary" onClick=${() => void copy()} disabled=${!issued}>Copy</button>
      </div>
      <p class="help" aria-live="polite">${copied}</p>
      <${FieldNotes} ...${props} />
    </div>
  `;
}
