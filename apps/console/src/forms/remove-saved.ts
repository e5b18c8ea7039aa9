import { html } from 'htm/preact';
import type { FieldProps } from './field-props.js';
import { titleOf } from './field-props.js';

/**
 * For an optional write-only field the saved set-up holds (a previous signing secret, extra headers): the one way
 * to remove it, since an empty input keeps it. Its value becomes null, which the edit sends as null.
 */
export function RemoveSaved({ id, field, value, onChange, secretSet }: FieldProps) {
  if (!secretSet || field.required) return null;
  return html`
    <label class="choice-option remove-saved">
      <input
        type="checkbox"
        id=${`${id}-remove`}
        checked=${value === null}
        onChange=${(event: Event) => onChange((event.currentTarget as HTMLInputElement).checked ? null : undefined)}
      />
      Remove the saved ${titleOf(field).toLowerCase()}
    </label>
  `;
}
