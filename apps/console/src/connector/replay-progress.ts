import { connectorPath, problemOf, refusedWith } from '../api-client.js';
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../console-context.js';
import type { ReplayView } from './connector-answers.js';
import { count, timeOf } from './format.js';

/** How often a running replay is asked how it stands. */
const POLL_MS = 2000;

const STATUS_WORDS: Record<ReplayView['status'], string> = { running: 'Running', done: 'Completed', cancelled: 'Cancelled' };

/**
 * A replay as it stands, asked again every two seconds while it runs (and no longer once the page is left), with a
 * way to cancel it. What a cancelled replay requeued already still goes.
 */
export function ReplayProgress({ connectorId, first }: { connectorId: string; first: ReplayView }) {
  const { api } = useConsole();
  const [replay, setReplay] = useState(first);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  // Counts the refreshes, so a failed one (nothing changed) still sets the next timer.
  const [asked, setAsked] = useState(0);
  const path = connectorPath(connectorId, `/replays/${encodeURIComponent(first.id)}`);
  // An answer that lands after the page was left is dropped, not set on a component that is gone.
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const refresh = async () => {
    try {
      const latest = await api.get<ReplayView>(path);
      if (mounted.current) setReplay(latest);
      if (mounted.current) setProblem('');
    } catch (error) {
      if (mounted.current) setProblem(`How the replay stands could not be loaded: ${problemOf(error)}`);
    }
    if (mounted.current) setAsked((before) => before + 1);
  };

  // One timer at a time, set again after each answer: a slow host is never asked twice at once.
  useEffect(() => {
    if (replay.status !== 'running') return;
    const timer = setTimeout(() => void refresh(), POLL_MS);
    return () => clearTimeout(timer);
  }, [replay.status, asked]);

  const cancel = async () => {
    setBusy(true);
    try {
      const cancelled = await api.send<ReplayView>('DELETE', path);
      if (mounted.current) setReplay(cancelled);
    } catch (error) {
      if (!mounted.current) return;
      // It finished meanwhile: say how it ended rather than that cancelling failed.
      if (refusedWith(error, 409)) await refresh();
      else setProblem(`The replay could not be cancelled: ${problemOf(error)}`);
    } finally {
      if (mounted.current) setBusy(false);
    }
  };

  const running = replay.status === 'running';
  return html`
    <div class="replay-progress">
      <h3>Replay of ${timeOf(replay.from)} to ${timeOf(replay.to)}</h3>
      <p class="visually-hidden" aria-live="polite">The replay is ${STATUS_WORDS[replay.status].toLowerCase()}.</p>
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd class=${`replay-${replay.status}`}>${STATUS_WORDS[replay.status]}</dd>
        </div>
        <div>
          <dt>In the range</dt>
          <dd class="number">${count(replay.total)}</dd>
        </div>
        <div>
          <dt>Sent again</dt>
          <dd class="number">${count(replay.requeued)}</dd>
        </div>
        <div>
          <dt>Delivered since</dt>
          <dd class="number">${count(replay.delivered)}</dd>
        </div>
      </dl>
      <p class="hint">
        "In the range" counts every message the history held then, before the chosen outcomes; messages still pending are not
        replayed.${replay.finishedAt ? ` Finished ${timeOf(replay.finishedAt)}.` : ''}
      </p>
      <div class="actions">
        <button type="button" class="secondary" onClick=${() => void refresh()}>Refresh</button>
        ${running && html`<button type="button" class="danger" disabled=${busy} onClick=${() => void cancel()}>Cancel replay</button>`}
      </div>
      <div role="alert">${problem && html`<div class="notice"><p>${problem}</p></div>`}</div>
    </div>
  `;
}
