import { html } from 'htm/preact';
import { describedBy, FieldNotes, type FieldProps, titleOf } from './field-props.js';

/** A `boolean` property: a checkbox, sent as true or false once touched (left out while untouched). */
export function SwitchField(props: FieldProps) {
  const { id, field, value, onChange, error } = props;
  return html`
    <div class="field">
      <label class="choice-option" for=${id}>
        <input
          id=${id}
          type="checkbox"
          checked=${value === true}
          aria-describedby=${describedBy(props)}
          aria-invalid=${error ? 'true' : undefined}
          onChange=${(event: Event) => onChange((event.currentTarget as HTMLInputElement).checked)}
        />
        ${titleOf(field)}
      </label>
      <${FieldNotes} ...${props} />
    </div>
  `;
}
