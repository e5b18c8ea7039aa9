import { connectorPath, problemOf } from '../api-client.js';
import { html } from 'htm/preact';
import { useRef, useState } from 'preact/hooks';
import { useConsole } from '../console-context.js';
import { useLoad } from '../use-load.js';
import type { DeadLetterPage, DeadLetterView, DeleteResult, ReplayResult } from './connector-answers.js';
import { ConfirmStep } from './confirm-step.js';
import { count, counted, timeOf } from './format.js';

const PAGE_SIZE = 25;
/** How much of a dead letter's message is shown: enough to recognise it, never a page of JSON. */
const PREVIEW_CHARS = 2000;

function preview(message: unknown): string {
  const text = JSON.stringify(message, null, 2) ?? String(message);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

interface RowProps {
  letter: DeadLetterView;
  busy: boolean;
  onReplay: (ids: number[]) => void;
  onDelete: (ids: number[]) => void;
}

function DeadLetterRow({ letter, busy, onReplay, onDelete }: RowProps) {
  return html`
    <tr>
      <th scope="row">${letter.id}</th>
      <td><time datetime=${letter.failedAt}>${timeOf(letter.failedAt)}</time></td>
      <td><time datetime=${letter.acceptedAt}>${timeOf(letter.acceptedAt)}</time></td>
      <td class="number">${count(letter.attempts)}</td>
      <td class="problem">${letter.errorCode}: ${letter.errorMessage}</td>
      <td>
        <details class="message-preview">
          <summary>Message<span class="visually-hidden"> of dead letter ${letter.id}</span></summary>
          <pre>${preview(letter.message)}</pre>
        </details>
      </td>
      <td>
        <div class="actions">
          <button
            type="button"
            class="secondary"
            disabled=${busy}
            aria-label=${`Replay dead letter ${letter.id}`}
            onClick=${() => onReplay([letter.id])}
          >
            Replay
          </button>
          <button
            type="button"
            class="secondary"
            disabled=${busy}
            aria-label=${`Delete dead letter ${letter.id}`}
            onClick=${() => onDelete([letter.id])}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  `;
}

/** Messages that failed for good: sent again once their destination is fixed, or deleted, asking first. */
export function DeadLetters({ id, version, onChanged }: { id: string; version: number; onChanged: () => Promise<void> }) {
  const { api } = useConsole();
  // The `after` of each page walked through; the last is the page shown.
  const [afters, setAfters] = useState<number[]>([0]);
  const [changes, setChanges] = useState(0);
  const after = afters[afters.length - 1];
  const letters = useLoad(
    () => api.get<DeadLetterPage>(connectorPath(id, `/dead-letters?limit=${PAGE_SIZE}&after=${after}`)),
    `${id}:${after}:${version}:${changes}`,
  );
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState('');
  const [problem, setProblem] = useState('');
  /** The dead letters a deletion waits to be confirmed for (undefined ids: all of them). */
  const [deleting, setDeleting] = useState<{ ids?: number[] }>();

  const said = useRef<HTMLParagraphElement>(null);
  const act = async (work: () => Promise<string>) => {
    setBusy(true);
    setProblem('');
    setResult('');
    try {
      setResult(await work());
      setAfters([0]);
      setChanges((before) => before + 1);
      await onChanged();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
      setDeleting(undefined);
      // The button pressed is gone or was disabled meanwhile: the keyboard goes on from what happened.
      if (!document.activeElement || document.activeElement === document.body) said.current?.focus();
    }
  };
  const replay = (ids?: number[]) =>
    act(async () => {
      const { replayed } = await api.send<ReplayResult>('POST', connectorPath(id, '/dead-letters/replay'), ids ? { ids } : {});
      return `${counted(replayed, 'dead letter')} sent again: ${replayed === 1 ? 'it is' : 'they are'} back in the backlog.`;
    });
  const remove = (ids?: number[]) =>
    act(async () => {
      const { deleted } = await api.send<DeleteResult>('POST', connectorPath(id, '/dead-letters/delete'), ids ? { ids } : {});
      return `${counted(deleted, 'dead letter')} deleted.`;
    });

  const page = letters.value;
  const total = page?.total ?? 0;
  return html`
    <section class="panel" aria-labelledby="dead-letters-heading">
      <h2 id="dead-letters-heading">Dead letters</h2>
      <div class="toolbar">
        <p aria-live="polite">
          ${letters.loading && !page ? 'Loading the dead letters…' : page ? `${counted(total, 'dead letter')}.` : ''}
        </p>
        ${
          total > 0 &&
          html`<div class="actions">
            <button type="button" disabled=${busy} onClick=${() => void replay()}>Replay all</button>
            <button type="button" class="danger" disabled=${busy} onClick=${() => setDeleting({})}>Delete all</button>
          </div>`
        }
      </div>
      ${
        deleting &&
        html`<${ConfirmStep}
          id="delete-dead-letters"
          title=${deleting.ids ? `Delete dead letter ${deleting.ids.join(', ')}?` : `Delete all ${counted(total, 'dead letter')}?`}
          confirmLabel="Yes, delete"
          busy=${busy}
          onConfirm=${() => void remove(deleting.ids)}
          onCancel=${() => setDeleting(undefined)}
        >
          <p>A deleted dead letter cannot be replayed any more.</p>
        <//>`
      }
      <p class="result" aria-live="polite" tabindex="-1" ref=${said}>${result}</p>
      <div role="alert">
        ${(problem || letters.problem) && html`<div class="notice"><p>The dead letters could not be ${problem ? 'changed' : 'loaded'}: ${problem || letters.problem}.</p></div>`}
      </div>
      ${
        page &&
        page.items.length > 0 &&
        html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="dead-letters-caption">
          <table class="dead-letters">
            <caption id="dead-letters-caption">
              Dead letters, oldest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Dead letter</th>
                <th scope="col">Failed</th>
                <th scope="col">Accepted</th>
                <th scope="col" class="number">Attempts</th>
                <th scope="col">Why</th>
                <th scope="col">Message</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              ${page.items.map(
                (letter) =>
                  html`<${DeadLetterRow}
                    key=${letter.id}
                    letter=${letter}
                    busy=${busy}
                    onReplay=${(ids: number[]) => void replay(ids)}
                    onDelete=${(ids: number[]) => setDeleting({ ids })}
                  />`,
              )}
            </tbody>
          </table>
        </div>`
      }
      <div class="actions pager">
        ${afters.length > 1 && html`<button type="button" class="secondary" onClick=${() => setAfters(afters.slice(0, -1))}>Previous page</button>`}
        ${
          typeof page?.nextAfter === 'number' &&
          html`<button type="button" class="secondary" onClick=${() => setAfters([...afters, page.nextAfter as number])}>Next page</button>`
        }
      </div>
    </section>
  `;
}
