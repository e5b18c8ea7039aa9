import { connectorPath, refusedWith } from '../api-client.js';
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useConsole } from '../console-context.js';
import { useLoad } from '../use-load.js';
import type { MessagePage } from './connector-answers.js';
import { counted } from './format.js';
import { MessageRow } from './message-row.js';

type Outcome = '' | 'pending' | 'delivered' | 'dead_lettered';
interface Search {
  profileId: string;
  outcome: Outcome;
}

const PAGE_SIZE = 25;

function messagesPath(id: string, search: Search, cursor: string | undefined): string {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (search.profileId) query.set('profileId', search.profileId);
  if (search.outcome) query.set('outcome', search.outcome);
  if (cursor) query.set('cursor', cursor);
  return connectorPath(id, `/messages?${query.toString()}`);
}

/** The connector's messages, newest first, each with its attempts: searched by profile and outcome, paged by cursor. */
export function MessageHistory({ id, version }: { id: string; version: number }) {
  const { api } = useConsole();
  const [draft, setDraft] = useState<Search>({ profileId: '', outcome: '' });
  const [search, setSearch] = useState<Search>(draft);
  // The cursors of the pages walked through: the last is the page shown ('' for the newest), the others go back.
  const [cursors, setCursors] = useState<string[]>(['']);
  const cursor = cursors[cursors.length - 1];
  const messages = useLoad(
    () =>
      api.get<MessagePage>(messagesPath(id, search, cursor)).catch((error: unknown) => {
        // The host runs one search per client at a time (a second tab, or a double click, asks while one runs).
        if (refusedWith(error, 429)) throw new Error('another search of yours is still running: wait a moment, then search again');
        throw error;
      }),
    `${id}:${search.profileId}:${search.outcome}:${cursor}:${version}`,
  );
  const page = messages.value;

  const onSubmit = (event: Event) => {
    event.preventDefault();
    // One search at a time: the host refuses a second while one runs (429), and it would replace a good answer.
    if (messages.loading) return;
    setSearch({ profileId: draft.profileId.trim(), outcome: draft.outcome });
    setCursors(['']);
    // The same search again is a refresh.
    if (draft.profileId.trim() === search.profileId && draft.outcome === search.outcome && cursors.length === 1) void messages.reload();
  };

  const status = messages.loading
    ? 'Searching the message history…'
    : page
      ? `${counted(page.items.length, 'message')} on this page${search.profileId ? ` for profile ${search.profileId}` : ''}${cursors.length > 1 ? `, page ${cursors.length}` : ''}.`
      : '';
  return html`
    <section class="panel" aria-labelledby="history-heading">
      <h2 id="history-heading">Message history</h2>
      <form class="search" role="search" aria-label="Message history" onSubmit=${onSubmit}>
        <div class="labelled">
          <label for="history-profile">Profile id</label>
          <input
            id="history-profile"
            type="search"
            autocomplete="off"
            spellcheck=${false}
            value=${draft.profileId}
            onInput=${(event: Event) => setDraft({ ...draft, profileId: (event.target as HTMLInputElement).value })}
          />
        </div>
        <div class="labelled">
          <label for="history-outcome">Status</label>
          <select
            id="history-outcome"
            value=${draft.outcome}
            onChange=${(event: Event) => setDraft({ ...draft, outcome: (event.target as HTMLSelectElement).value as Outcome })}
          >
            <option value="">Any</option>
            <option value="pending">Pending</option>
            <option value="delivered">Delivered</option>
            <option value="dead_lettered">Dead-lettered</option>
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <p aria-live="polite">${status}</p>
      <div role="alert">
        ${messages.problem && html`<div class="notice"><p>The messages could not be loaded: ${messages.problem}.</p></div>`}
      </div>
      ${
        page &&
        page.items.length === 0 &&
        !messages.loading &&
        html`<p>
          ${page.next ? 'None on this page (a page reads a bounded part of the history): older messages may match.' : 'No message matches.'}
        </p>`
      }
      ${
        page &&
        page.items.length > 0 &&
        html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="history-caption">
          <table class="history">
            <caption id="history-caption">
              Messages given to this connector, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Profile</th>
                <th scope="col">Call type</th>
                <th scope="col">Accepted</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              ${page.items.map((message) => html`<${MessageRow} key=${message.id} message=${message} />`)}
            </tbody>
          </table>
        </div>`
      }
      <div class="actions pager">
        ${cursors.length > 1 && html`<button type="button" class="secondary" onClick=${() => setCursors(cursors.slice(0, -1))}>Newer</button>`}
        ${page?.next && html`<button type="button" class="secondary" onClick=${() => setCursors([...cursors, page.next!])}>Older</button>`}
      </div>
    </section>
  `;
}
