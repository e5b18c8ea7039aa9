import { html } from 'htm/preact';
import type { ComponentChildren } from 'preact';

/**
 * Rows a tenant adds one at a time up to a limit the host enforces (10 profile variables, 10 property-value
 * pairs, a form's `maxProperties`): the count is shown as it grows and the add button stops at the limit, so the
 * host never has to refuse the one past it. `children`: what follows the rows (notes of the field).
 */
export function LimitedRows<Row>(props: {
  id: string;
  legend: string;
  /** The add button's words, e.g. `Add profile variable`. */
  addLabel: string;
  help: string;
  rows: readonly Row[];
  most: number;
  empty: () => Row;
  onChange: (rows: Row[]) => void;
  renderRow: (row: Row, index: number, change: (row: Row) => void) => ComponentChildren;
  rowLabel: (row: Row, index: number) => string;
  error?: string;
  children?: ComponentChildren;
}) {
  const { id, legend, addLabel, help, rows, most, empty, onChange, renderRow, rowLabel, error, children } = props;
  const full = rows.length >= most;
  return html`
    <fieldset class="field rows" id=${id} aria-describedby=${`${id}-count ${id}-help${error ? ` ${id}-error` : ''}`}>
      <legend>${legend}</legend>
      <p class="help" id=${`${id}-help`}>${help}</p>
      ${rows.map(
        (row, index) => html`
          <div class="map-row" key=${index}>
            ${renderRow(row, index, (changed) => onChange(rows.map((old, i) => (i === index ? changed : old))))}
            <button
              type="button"
              class="secondary"
              aria-label=${`Remove ${rowLabel(row, index)}`}
              onClick=${() => onChange(rows.filter((_, i) => i !== index))}
            >
              Remove
            </button>
          </div>
        `,
      )}
      <div class="actions">
        <button type="button" class="secondary" disabled=${full} onClick=${() => onChange([...rows, empty()])}>${addLabel}</button>
        <p class="help" id=${`${id}-count`} aria-live="polite">
          ${Number.isFinite(most) ? `${rows.length} of ${most}${full ? ': the most a connector takes, remove one to add another' : ''}` : ''}
        </p>
      </div>
      ${children} ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
    </fieldset>
  `;
}

/** A labelled text input of a row, with the host's refusal of it. */
export function RowInput(props: {
  id: string;
  label: string;
  value: string;
  maxLength: number;
  error?: string;
  /** A write-only value (a header's): typed unseen, never offered by the browser's autofill. */
  secret?: boolean;
  onInput: (value: string) => void;
}) {
  const { id, label, value, maxLength, error, secret = false, onInput } = props;
  return html`
    <label for=${id}
      >${label}
      <input
        id=${id}
        type=${secret ? 'password' : 'text'}
        value=${value}
        maxlength=${maxLength}
        autocomplete=${secret ? 'new-password' : 'off'}
        spellcheck=${false}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${error ? `${id}-error` : undefined}
        onInput=${(event: Event) => onInput((event.currentTarget as HTMLInputElement).value)}
      />
      ${error && html`<span class="field-error" id=${`${id}-error`}>${error}</span>`}
    </label>
  `;
}
