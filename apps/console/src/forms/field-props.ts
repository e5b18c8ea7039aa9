import { html } from 'htm/preact';
import type { ShownField } from './form-schema.js';

/** What every input of a rendered form is given. */
export interface FieldProps {
  /** The input's id: its label, help and error point at it. */
  id: string;
  field: ShownField;
  value: unknown;
  onChange: (value: unknown) => void;
  /** What the host said is wrong with it (a 400's `errors`), shown beside it. */
  error?: string;
  /** A write-only field the saved set-up has a value for: shown as "set", kept when left empty. */
  secretSet?: boolean;
  /** The value the host issues the site for a read-only field (the external ID). */
  issued?: string;
}

export const titleOf = ({ name, schema }: ShownField) => schema.title ?? name;

/** The help and error ids an input is described by. */
export function describedBy({ id, field, error }: Pick<FieldProps, 'id' | 'field' | 'error'>): string | undefined {
  const ids = [field.schema.description && `${id}-help`, error && `${id}-error`].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** The field's description and the host's refusal of it, under the input. */
export function FieldNotes({ id, field, error }: Pick<FieldProps, 'id' | 'field' | 'error'>) {
  return html`
    ${field.schema.description && html`<p class="help" id=${`${id}-help`}>${field.schema.description}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  `;
}

/** A label with the field's title, marked when the current choices make it required. */
export function FieldLabel({ id, field }: Pick<FieldProps, 'id' | 'field'>) {
  return html`<label for=${id}>${titleOf(field)}${field.required && html`<span class="required" aria-hidden="true"> *</span>`}</label>`;
}
