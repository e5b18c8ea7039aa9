import { html } from 'htm/preact';
import { describedBy, FieldNotes, type FieldProps, titleOf } from './field-props.js';
import { labelOf } from './form-values.js';

/** A few choices as radio buttons (all visible at once), more as a list. */
const MOST_RADIOS = 4;

/** An `enum` property: the choice that can change which other fields the form shows. */
export function ChoiceField(props: FieldProps) {
  const { id, field, value, onChange, error } = props;
  const choices = field.schema.enum ?? [];
  if (choices.length > MOST_RADIOS)
    return html`
      <div class="field">
        <label for=${id}>${titleOf(field)}</label>
        <select
          id=${id}
          aria-describedby=${describedBy(props)}
          aria-invalid=${error ? 'true' : undefined}
          onChange=${(event: Event) => onChange((event.currentTarget as HTMLSelectElement).value)}
        >
          ${!field.required && html`<option value="" selected=${value === undefined || value === ''}>None</option>`}
          ${choices.map((choice) => html`<option value=${String(choice)} selected=${choice === value}>${labelOf(choice)}</option>`)}
        </select>
        <${FieldNotes} ...${props} />
      </div>
    `;
  return html`
    <fieldset class="field choice" id=${id} aria-describedby=${describedBy(props)}>
      <legend>${titleOf(field)}</legend>
      ${choices.map(
        (choice) => html`
          <label class="choice-option">
            <input
              type="radio"
              name=${id}
              value=${String(choice)}
              checked=${choice === value}
              aria-invalid=${error ? 'true' : undefined}
              onChange=${() => onChange(choice)}
            />
            ${labelOf(choice)}
          </label>
        `,
      )}
      <${FieldNotes} ...${props} />
    </fieldset>
  `;
}
