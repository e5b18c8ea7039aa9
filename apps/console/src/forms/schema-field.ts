import { html } from 'htm/preact';
import { ChoiceField } from './choice-field.js';
import { describedBy, FieldLabel, FieldNotes, type FieldProps } from './field-props.js';
import { kindOf } from './form-schema.js';
import { IssuedField } from './issued-field.js';
import { MapField } from './map-field.js';
import { RemoveSaved } from './remove-saved.js';
import { SwitchField } from './switch-field.js';

const INPUT_TYPES = { text: 'text', url: 'url', secret: 'password', number: 'number' } as const;

/** A field's first example as a placeholder, when it is text or a number. */
function exampleOf(examples: unknown[] | undefined): string | undefined {
  const [first] = examples ?? [];
  return typeof first === 'string' || typeof first === 'number' ? `e.g. ${first}` : undefined;
}

/** One property of a connector's form, with the input its schema calls for. */
export function SchemaField(props: FieldProps) {
  const kind = kindOf(props.field.schema);
  if (kind === 'choice') return html`<${ChoiceField} ...${props} />`;
  if (kind === 'issued') return html`<${IssuedField} ...${props} />`;
  if (kind === 'map') return html`<${MapField} ...${props} />`;
  if (kind === 'switch') return html`<${SwitchField} ...${props} />`;
  if (kind === 'group') throw new Error('a group is rendered by SchemaFields');
  const { id, field, value, onChange, error, secretSet } = props;
  const { schema } = field;
  const read = (event: Event) => {
    const text = (event.currentTarget as HTMLInputElement).value;
    onChange(kind === 'number' && text !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
  };
  return html`
    <div class="field">
      <${FieldLabel} ...${props} />
      ${secretSet && html`<span class="set" id=${`${id}-set`}>set</span>`}
      <input
        id=${id}
        type=${INPUT_TYPES[kind]}
        value=${typeof value === 'string' || typeof value === 'number' ? value : ''}
        disabled=${value === null}
        required=${field.required && !secretSet}
        minlength=${schema.minLength}
        maxlength=${schema.maxLength}
        min=${schema.minimum}
        max=${schema.maximum}
        step=${kind === 'number' && schema.type === 'integer' ? 1 : undefined}
        inputmode=${kind === 'number' ? 'numeric' : undefined}
        placeholder=${secretSet ? 'Set: leave empty to keep it' : exampleOf(schema.examples)}
        autocomplete=${kind === 'secret' ? 'new-password' : 'off'}
        spellcheck=${false}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${[secretSet && `${id}-set`, describedBy(props)].filter(Boolean).join(' ') || undefined}
        onInput=${read}
      />
      <${RemoveSaved} ...${props} />
      <${FieldNotes} ...${props} />
    </div>
  `;
}
