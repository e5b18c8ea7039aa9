import type { ComponentChildren } from 'preact';
import { html } from 'htm/preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

interface ConfirmStepProps {
  /** Unique on the page: names the step's title and text for assistive technology. */
  id: string;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A step that asks before something that cannot be undone, in the page rather than a window of its own (the page's
 * policy allows no inline script, and a native `confirm()` cannot be styled or tested the same way). Focus goes to
 * Cancel, the safe choice, so Enter right after opening it does nothing harmful; Escape cancels; closing it gives
 * focus back to whatever opened it.
 */
export function ConfirmStep({ id, title, children, confirmLabel, busy = false, onConfirm, onCancel }: ConfirmStepProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  // In the commit that opens it (not after the paint), so the focus is on Cancel as soon as the step shows.
  useLayoutEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    cancel.current?.focus();
    // After the render that closed the step: its opener may still be disabled (busy) while this step unmounts.
    return () => {
      requestAnimationFrame(() => {
        if (opener?.isConnected) opener.focus();
      });
    };
  }, []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !busy) onCancel();
  };
  return html`
    <div class="confirm-step" role="alertdialog" aria-labelledby=${`${id}-title`} aria-describedby=${`${id}-text`} onKeyDown=${onKeyDown}>
      <p class="confirm-title" id=${`${id}-title`}><strong>${title}</strong></p>
      <div id=${`${id}-text`}>${children}</div>
      <div class="actions">
        <button type="button" class="danger" disabled=${busy} onClick=${onConfirm}>${confirmLabel}</button>
        <button type="button" class="secondary" ref=${cancel} disabled=${busy} onClick=${onCancel}>Cancel</button>
      </div>
    </div>
  `;
}
