import { connectorPath } from '../api-client.js';
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useConsole } from '../console-context.js';
import { useLoad } from '../use-load.js';
import type { ConnectorStats, StatsWindow } from './connector-answers.js';
import { count, wordsOf } from './format.js';
import { DailyTrafficTable, sumOf, TrafficChart } from './traffic-chart.js';

const WINDOWS: readonly StatsWindow[] = [7, 30, 90];

/** The traffic totals over the window, each kind of count once. */
function TotalsTable({ stats }: { stats: ConnectorStats }) {
  const { totals } = stats;
  const rows: [string, number][] = [
    ['Delivered', totals.delivered],
    ['Of them removed (REMOVED calls)', totals.removed],
    ['Retried attempts', totals.retried],
    ['Failed attempts', sumOf(totals.failed)],
    ['Dead-lettered', sumOf(totals.deadLettered)],
    ['Skipped events', sumOf(totals.skipped)],
  ];
  return html`
    <table class="compact totals">
      <caption>
        Totals, ${stats.from} to ${stats.to}
      </caption>
      <tbody>
        ${rows.map(
          ([what, value]) =>
            html`<tr key=${what}>
              <th scope="row">${what}</th>
              <td class="number">${count(value)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  `;
}

/** Failures by their kind (the category says who has to act), and skips by reason. */
function BreakdownTables({ stats }: { stats: ConnectorStats }) {
  const { failed, deadLettered, skipped } = stats.totals;
  return html`
    <table class="compact">
      <caption>
        Failures by category
      </caption>
      <thead>
        <tr>
          <th scope="col">Category</th>
          <th scope="col" class="number">Failed attempts</th>
          <th scope="col" class="number">Dead-lettered</th>
        </tr>
      </thead>
      <tbody>
        ${Object.keys(failed).map(
          (category) =>
            html`<tr key=${category}>
              <th scope="row">${wordsOf(category)}</th>
              <td class="number">${count(failed[category])}</td>
              <td class="number">${count(deadLettered[category] ?? 0)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <table class="compact">
      <caption>
        Skipped events by reason
      </caption>
      <thead>
        <tr>
          <th scope="col">Reason</th>
          <th scope="col" class="number">Events</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(skipped).map(
          ([reason, value]) =>
            html`<tr key=${reason}>
              <th scope="row">${wordsOf(reason)}</th>
              <td class="number">${count(value)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  `;
}

/** The connector's traffic over 7, 30 or 90 UTC days: a chart, its totals, and every day's numbers. */
export function TrafficSection({ id, version }: { id: string; version: number }) {
  const { api } = useConsole();
  const [days, setDays] = useState<StatsWindow>(7);
  const stats = useLoad(() => api.get<ConnectorStats>(connectorPath(id, `/stats?days=${days}`)), `${id}:${days}:${version}`);
  // Shown only when it answers for the window chosen: a late answer for another window never passes for this one.
  const shown = stats.value?.days === days ? stats.value : undefined;
  return html`
    <section class="panel" aria-labelledby="traffic-heading">
      <h2 id="traffic-heading">Traffic</h2>
      <div class="toolbar">
        <div class="segmented" role="group" aria-label="Days shown">
          ${WINDOWS.map(
            (window) =>
              html`<button type="button" key=${window} aria-pressed=${window === days ? 'true' : 'false'} onClick=${() => setDays(window)}>
                ${window} days
              </button>`,
          )}
        </div>
        <p aria-live="polite">${stats.loading ? 'Loading the traffic…' : shown ? `The last ${days} days, today included.` : ''}</p>
      </div>
      <div role="alert">${stats.problem && html`<div class="notice"><p>The traffic could not be loaded: ${stats.problem}.</p></div>`}</div>
      ${
        shown &&
        html`
          <${TrafficChart} stats=${shown} />
          <div class="traffic-tables">
            <${TotalsTable} stats=${shown} />
            <${BreakdownTables} stats=${shown} />
          </div>
          <${DailyTrafficTable} stats=${shown} />
        `
      }
    </section>
  `;
}
