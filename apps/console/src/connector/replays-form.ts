import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, connectorPath, problemOf } from '../api-client.js';
import { useConsole } from '../console-context.js';
import type { ReplayList, ReplayView } from './connector-answers.js';
import { ReplayProgress } from './replay-progress.js';

type Outcome = 'delivered' | 'dead_lettered';
type Field = 'from' | 'to' | 'outcomes';
type FieldErrors = Partial<Record<Field, string>>;

/** A time as `<input type="datetime-local">` holds it: the reader's own time zone, to the minute. */
function localInputValue(time: Date): string {
  const local = new Date(time.getTime() - time.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The input's local time as the host takes it (ISO 8601, UTC); undefined when empty or not a time. */
function isoOf(value: string): string | undefined {
  const time = value ? new Date(value) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined;
}

/** The host's field names (`outcomes.0`, …) to the field of this form they are about. */
function fieldOf(name: string): Field | undefined {
  const root = name.split('.')[0];
  return root === 'from' || root === 'to' || root === 'outcomes' ? root : undefined;
}

/** One field's error, tied to its input by `aria-describedby`. */
const FieldError = ({ id, error }: { id: string; error: string | undefined }) =>
  error ? html`<p class="input-error" id=${id}>${error}</p>` : null;

/** Sends a time range of the connector's history again, with the ids the messages had, and follows how it goes. */
export function ReplaysForm({ id }: { id: string }) {
  const { api } = useConsole();
  const [from, setFrom] = useState(() => localInputValue(new Date(Date.now() - 3_600_000)));
  // A minute ahead: the inputs stop at minutes, and the host caps `to` at now anyway.
  const [to, setTo] = useState(() => localInputValue(new Date(Date.now() + 60_000)));
  const [outcomes, setOutcomes] = useState<Outcome[]>(['delivered', 'dead_lettered']);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  /** The replay shown: one started here, or the latest of the connector's (running or not) when the page opens. */
  const [replay, setReplay] = useState<{ view: ReplayView; startedHere: boolean }>();

  /** The connector's latest replay: a running one is followed wherever it was started. */
  const showLatest = async () => {
    try {
      const [latest] = (await api.get<ReplayList>(connectorPath(id, '/replays?limit=1'))).items;
      if (latest) setReplay({ view: latest, startedHere: false });
    } catch (error) {
      setProblem(`The connector's replays could not be loaded: ${problemOf(error)}`);
    }
  };
  useEffect(() => void showLatest(), [id]);

  const toggle = (outcome: Outcome, on: boolean) =>
    setOutcomes(on ? [...outcomes.filter((kept) => kept !== outcome), outcome] : outcomes.filter((kept) => kept !== outcome));

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const range = { from: isoOf(from), to: isoOf(to) };
    const found: FieldErrors = {};
    if (!range.from) found.from = 'Give the time the range starts at.';
    if (!range.to) found.to = 'Give the time the range ends at.';
    if (outcomes.length === 0) found.outcomes = 'Choose at least one kind of message to send again.';
    setErrors(found);
    setProblem('');
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      // Both outcomes is the host's default: sent as it, so a newer host's default stays the console's too.
      const body = { ...range, ...(outcomes.length === 1 && { outcomes }) };
      setReplay({ view: await api.send<ReplayView>('POST', connectorPath(id, '/replays'), body), startedHere: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setProblem('A replay of this connector is already running: wait for it to finish, or cancel it. It is shown below.');
        await showLatest();
      } else if (error instanceof ApiError && error.status === 400 && error.errors.some((each) => fieldOf(each.field))) {
        const byField: FieldErrors = {};
        for (const each of error.errors) {
          const field = fieldOf(each.field);
          if (field) byField[field] ??= each.message;
        }
        setErrors(byField);
      } else {
        setProblem(`The replay could not be started: ${problemOf(error)}`);
      }
    } finally {
      setBusy(false);
    }
  };

  const described = (field: Field, hint?: string) =>
    [errors[field] ? `replay-${field}-error` : undefined, hint].filter(Boolean).join(' ') || undefined;
  return html`
    <section class="panel" aria-labelledby="replays-heading">
      <h2 id="replays-heading">Replay or resync a time range</h2>
      <p class="hint" id="replay-range-hint">
        Messages accepted in the range are sent again with the ids they had, in their order, behind live traffic. Times are in your time
        zone.
      </p>
      <form class="replay-form" novalidate onSubmit=${(event: Event) => void onSubmit(event)}>
        <div class="labelled">
          <label for="replay-from">From</label>
          <input
            id="replay-from"
            type="datetime-local"
            required
            value=${from}
            aria-invalid=${errors.from ? 'true' : undefined}
            aria-describedby=${described('from', 'replay-range-hint')}
            onInput=${(event: Event) => setFrom((event.target as HTMLInputElement).value)}
          />
          <${FieldError} id="replay-from-error" error=${errors.from} />
        </div>
        <div class="labelled">
          <label for="replay-to">To</label>
          <input
            id="replay-to"
            type="datetime-local"
            required
            value=${to}
            aria-invalid=${errors.to ? 'true' : undefined}
            aria-describedby=${described('to', 'replay-range-hint')}
            onInput=${(event: Event) => setTo((event.target as HTMLInputElement).value)}
          />
          <${FieldError} id="replay-to-error" error=${errors.to} />
        </div>
        <fieldset class="labelled">
          <legend>Send again the messages that were</legend>
          ${(['delivered', 'dead_lettered'] as const).map(
            (outcome) =>
              html`<label key=${outcome} class="choice">
                <input
                  type="checkbox"
                  checked=${outcomes.includes(outcome)}
                  aria-invalid=${errors.outcomes ? 'true' : undefined}
                  aria-describedby=${described('outcomes')}
                  onChange=${(event: Event) => toggle(outcome, (event.target as HTMLInputElement).checked)}
                />
                ${outcome === 'delivered' ? 'Delivered (a resync)' : 'Dead-lettered'}
              </label>`,
          )}
          <${FieldError} id="replay-outcomes-error" error=${errors.outcomes} />
        </fieldset>
        <button type="submit" disabled=${busy}>Start replay</button>
      </form>
      <div role="alert">
        ${
          problem &&
          html`<div class="notice">
            <p>${problem}</p>
          </div>`
        }
      </div>
      <div aria-live="polite">${replay?.startedHere && html`<p>Replay started.</p>`}</div>
      ${replay && html`<${ReplayProgress} key=${replay.view.id} connectorId=${id} first=${replay.view} />`}
    </section>
  `;
}
