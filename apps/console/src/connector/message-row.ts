import { html } from 'htm/preact';
import type { MessageAttempt, MessageView } from './connector-answers.js';
import { counted, timeOf, wordsOf } from './format.js';

/** Where the destination says it landed (a webhook's id and status, a stream's shard and sequence number). */
function Receipt({ receipt }: { receipt: Record<string, string> }) {
  const parts = Object.entries(receipt).map(([key, value]) => html`<span key=${key}>${key} <code>${value}</code></span>`);
  return html`<span class="receipt">Receipt: ${parts.map((part, index) => [index > 0 ? ', ' : '', part])}</span>`;
}

// Spaces between inline parts are written as text (${' '}): htm drops whitespace that spans lines.
function Attempt({ attempt }: { attempt: MessageAttempt }) {
  return html`<li>
    <time datetime=${attempt.at}>${timeOf(attempt.at)}</time>${': '}
    <span class=${`outcome outcome-${attempt.outcome}`}>${wordsOf(attempt.outcome)}</span>
    ${` in ${attempt.latencyMs.toLocaleString('en')} ms.`} ${attempt.receipt && html`<${Receipt} receipt=${attempt.receipt} />`}
    ${attempt.error && html`<span class="problem">Error ${attempt.error.code}: ${attempt.error.message}</span>`}
  </li>`;
}

/** What became of the message, with why it is not delivered yet or will not be. */
function MessageStatus({ message }: { message: MessageView }) {
  return html`<span class=${`outcome outcome-${message.status}`}>${wordsOf(message.status)}</span>
    ${message.nextAttemptAt && html`<br /><span class="hint">Next try ${timeOf(message.nextAttemptAt)}</span>`}
    ${message.deadLetter && html`<br /><span class="problem">${message.deadLetter.code}: ${message.deadLetter.message}</span>`}`;
}

/** One message of the history, its attempts folded away until asked for. */
export function MessageRow({ message }: { message: MessageView }) {
  return html`
    <tr>
      <th scope="row"><code>${message.id}</code></th>
      <td class="profile">${message.profileId}</td>
      <td>${message.callType ?? html`<span class="none">–</span>`}</td>
      <td><time datetime=${message.acceptedAt}>${timeOf(message.acceptedAt)}</time></td>
      <td><${MessageStatus} message=${message} /></td>
      <td>
        ${
          message.attempts.length === 0
            ? html`<span class="none">Not tried yet</span>`
            : html`<details class="attempts">
                <summary>
                  ${counted(message.attempts.length, 'attempt')}<span class="visually-hidden"> of message ${message.id}</span>
                </summary>
                <ol>
                  ${message.attempts.map((attempt, index) => html`<${Attempt} key=${index} attempt=${attempt} />`)}
                </ol>
              </details>`
        }
      </td>
    </tr>
  `;
}
