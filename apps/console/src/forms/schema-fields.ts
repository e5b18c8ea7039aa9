import { html } from 'htm/preact';
import type { FieldProps } from './field-props.js';
import { kindOf, type PropertySchema, shownFields } from './form-schema.js';
import { type FormValues, labelOf, valueAt, withValue } from './form-values.js';
import { SchemaField } from './schema-field.js';

export interface SchemaFieldsProps {
  schema: PropertySchema;
  values: FormValues;
  onChange: (values: FormValues) => void;
  /** The host's refusals by field path (`settings.region`). */
  errors: ReadonlyMap<string, string>;
  /** Paths of the write-only fields the saved set-up holds (`settings.secretAccessKey`). */
  secretsSet?: ReadonlySet<string>;
  /** What the host issues the site, by field name (`externalId`). */
  issued?: Readonly<Record<string, string>>;
  path?: readonly string[];
}

/** The id of a field's input, from its path: what an error summary moves the focus to. */
export const fieldId = (path: readonly string[]) => `field-${path.join('-')}`;

/**
 * A connector's form, rendered from its JSON Schema alone: each property with the input its schema calls for, a
 * nested object as a group, and only the fields the current choices call for.
 */
export function SchemaFields(props: SchemaFieldsProps) {
  const { schema, values, onChange, errors, secretsSet, issued, path = [] } = props;
  const here = (valueAt(values, path) ?? {}) as FormValues;
  return html`${shownFields(schema, here).map((field) => {
    const at = [...path, field.name];
    const key = at.join('.');
    if (kindOf(field.schema) === 'group')
      return html`
        <fieldset class="group" key=${key}>
          <legend>${field.schema.title ?? labelOf(field.name)}</legend>
          ${errors.get(key) && html`<p class="field-error">${errors.get(key)}</p>`}
          <${SchemaFields} ...${props} schema=${field.schema} path=${at} />
        </fieldset>
      `;
    const fieldProps: FieldProps = {
      id: fieldId(at),
      field,
      value: here[field.name],
      onChange: (value) => onChange(withValue(values, at, value)),
      error: errors.get(key),
      secretSet: secretsSet?.has(key),
      issued: issued?.[field.name],
    };
    return html`<${SchemaField} key=${key} ...${fieldProps} />`;
  })}`;
}
