import { connectorPath, problemOf, refusedWith } from '../api-client.js';
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useConsole } from '../console-context.js';
import { navigate } from '../router.js';
import type { ConnectorView, SavedConnector } from './connector-answers.js';
import { ConfirmStep } from './confirm-step.js';

interface ConnectorActionsProps {
  view: ConnectorView;
  /** The set-up changed: load it again. */
  onChanged: () => Promise<void>;
}

/** Pause, resume and delete: what an operator does to the connector as a whole. */
export function ConnectorActions({ view, onChanged }: ConnectorActionsProps) {
  const { api } = useConsole();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState('');
  const [problem, setProblem] = useState('');
  const [confirming, setConfirming] = useState(false);
  const path = connectorPath(view.id);

  // The button stays focusable while busy (aria-disabled, not disabled): a disabled one would drop the keyboard's focus.
  const act = async (work: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setProblem('');
    setResult('');
    try {
      setResult(await work());
      await onChanged();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const pause = () =>
    act(async () => {
      await api.send<SavedConnector>('PATCH', path, { enabled: false });
      return 'Delivery paused.';
    });

  // An automatic pause (delivery stopped itself on a set-up failure) is lifted by `resume`; a paused one (disabled)
  // is enabled again. A connector can be both.
  const resume = () =>
    act(async () => {
      if (view.paused) await api.send<ConnectorView>('POST', connectorPath(view.id, '/resume'));
      if (!view.enabled) {
        const saved = await api.send<SavedConnector>('PATCH', path, { enabled: true });
        if (!saved.check.ok && saved.check.problem)
          return `Delivery resumed, but its check failed: ${saved.check.problem.message}. It may pause again.`;
      }
      return 'Delivery resumed.';
    });

  const remove = async () => {
    setBusy(true);
    setProblem('');
    try {
      await api.send<void>('DELETE', path);
      navigate({ page: 'connectors' });
    } catch (error) {
      // Gone already (deleted elsewhere): what was asked for is done.
      if (refusedWith(error, 404)) navigate({ page: 'connectors' });
      else setProblem(`The connector could not be deleted: ${problemOf(error)}`);
      setBusy(false);
      setConfirming(false);
    }
  };

  // One button whose meaning follows the state, so focus stays on it when pausing turns it into Resume.
  const stopped = !view.enabled || view.paused !== null;
  return html`
    <div class="connector-actions">
      <div class="actions">
        <button
          type="button"
          class=${stopped ? undefined : 'secondary'}
          aria-disabled=${busy ? 'true' : undefined}
          aria-describedby=${stopped ? undefined : 'pause-hint'}
          onClick=${() => void (stopped ? resume() : pause())}
        >
          ${stopped ? 'Resume delivery' : 'Pause delivery'}
        </button>
        <button type="button" class="danger" disabled=${busy} onClick=${() => setConfirming(true)}>Delete connector</button>
      </div>
      ${
        !stopped &&
        html`<p id="pause-hint" class="hint">
          While paused, nothing is sent and its backlog waits; events that arrive meanwhile are skipped, not kept.
        </p>`
      }
      ${
        confirming &&
        html`<${ConfirmStep}
          id="delete-connector"
          title=${`Delete ${view.name}?`}
          confirmLabel="Yes, delete it"
          busy=${busy}
          onConfirm=${() => void remove()}
          onCancel=${() => setConfirming(false)}
        >
          <p>Its bindings to audiences and journeys, its backlog and its dead letters are deleted with it. This cannot be undone.</p>
        <//>`
      }
      <p class="result" aria-live="polite">${result}</p>
      <div role="alert">${problem && html`<div class="notice"><p>${problem}</p></div>`}</div>
    </div>
  `;
}
