import { html } from 'htm/preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { FieldError } from '../api-client.js';

/**
 * What the host refused, at the top of the form: focused when it appears so a keyboard or screen-reader user hears
 * it, each field a button that moves the focus to its input (links would change the console's page).
 */
export function ErrorSummary({
  message,
  errors,
  idOf,
}: {
  message: string;
  errors: readonly FieldError[];
  idOf: (field: string) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  // In the commit that shows it, not after the paint: the focus never lags behind what the page says.
  useLayoutEffect(() => box.current?.focus(), [message, errors]);
  return html`
    <div class="notice" role="alert" tabindex="-1" ref=${box}>
      <p><strong>Not saved.</strong> ${errors.length === 0 ? message : 'The host refused these fields:'}</p>
      ${
        errors.length > 0 &&
        html`<ul>
          ${errors.map(
            (error, index) =>
              html`<li key=${index}>
                <button type="button" class="link" onClick=${() => focusField(idOf(error.field))}>${error.message}</button>
              </li>`,
          )}
        </ul>`
      }
    </div>
  `;
}

/** Moves the focus to a field: its input, or a group's first input (a fieldset cannot take the focus). */
function focusField(id: string): void {
  const element = document.getElementById(id);
  const target = element?.matches('input, select, textarea, button')
    ? element
    : element?.querySelector<HTMLElement>('input:not([disabled]), select, textarea, button:not([disabled])');
  target?.focus();
}

/** Each refused field's message by its path (the first when the host names a field twice). */
export function errorsByField(errors: readonly FieldError[]): Map<string, string> {
  const byField = new Map<string, string>();
  for (const { field, message } of errors) if (!byField.has(field)) byField.set(field, message);
  return byField;
}
