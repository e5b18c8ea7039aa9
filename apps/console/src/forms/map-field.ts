import { html } from 'htm/preact';
import { type FieldProps, titleOf } from './field-props.js';
import type { MapRows } from './form-values.js';
import { LimitedRows, RowInput } from './limited-rows.js';
import { RemoveSaved } from './remove-saved.js';

/**
 * An object of names to strings (a webhook's extra headers): one row per entry, as many as `maxProperties`
 * allows and no more. Its values are write-only like any secret.
 */
export function MapField(props: FieldProps) {
  const { id, field, value, onChange, secretSet, error } = props;
  const rows: MapRows = Array.isArray(value) ? (value as MapRows) : [];
  const title = titleOf(field);
  const secret = field.schema.writeOnly === true;
  return html`
    <${LimitedRows}
      id=${id}
      legend=${secretSet ? `${title} (set)` : title}
      addLabel=${`Add ${title.toLowerCase()}`}
      help=${field.schema.description ?? ''}
      rows=${rows}
      most=${field.schema.maxProperties ?? Number.POSITIVE_INFINITY}
      empty=${(): [string, string] => ['', '']}
      onChange=${(changed: MapRows) => onChange(changed)}
      error=${error}
      rowLabel=${([name]: [string, string], index: number) => name || `row ${index + 1}`}
      renderRow=${([name, item]: [string, string], index: number, change: (row: [string, string]) => void) => html`
        <${RowInput}
          id=${`${id}-${index}-name`}
          label=${`Name ${index + 1}`}
          value=${name}
          maxLength=${256}
          onInput=${(text: string) => change([text, item])}
        />
        <${RowInput}
          id=${`${id}-${index}-value`}
          label=${`Value ${index + 1}`}
          value=${item}
          maxLength=${8192}
          secret=${secret}
          onInput=${(text: string) => change([name, text])}
        />
      `}
    >
      ${secretSet && html`<p class="help">Set: rows given here replace the saved ones; none keeps them.</p>`}
      <${RemoveSaved} ...${props} />
    </${LimitedRows}>
  `;
}
