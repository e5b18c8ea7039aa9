import { html } from 'htm/preact';
import type { ConnectorStats, DailyTraffic } from './connector-answers.js';
import './traffic-chart.css';
import { count } from './format.js';

/** The sum of a map of counts (failures by category, skips by reason). */
export const sumOf = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((sum, value) => sum + value, 0);

// Geometry in the SVG's own units: each day a slot with two bars side by side. The drawing stretches to the width
// it is given (preserveAspectRatio="none"), so 7 and 90 days both fill the line; no text is drawn inside it, where
// stretching would distort it.
const SLOT = 10;
const BAR = 4;
const HEIGHT = 100;

function Bars({ day, index, top }: { day: DailyTraffic; index: number; top: number }) {
  const failed = sumOf(day.failed);
  const bar = (value: number, offset: number, kind: string, what: string) => {
    if (value === 0) return null;
    // At least a unit high: a day with 1 of 10,000 still shows it had some.
    const height = Math.max(1, (value / top) * (HEIGHT - 4));
    return html`<rect class=${`bar bar-${kind}`} x=${index * SLOT + offset} y=${HEIGHT - height} width=${BAR} height=${height}>
      <title>${day.day}: ${count(value)} ${what}</title>
    </rect>`;
  };
  return html`<g>${bar(day.delivered, 1, 'delivered', 'delivered')}${bar(failed, 1 + BAR, 'failed', 'failed attempts')}</g>`;
}

/**
 * Delivered messages and failed attempts per UTC day, as bars. The drawing is one image to assistive technology,
 * named by a summary; every number it draws is also in the per-day table beside it.
 */
export function TrafficChart({ stats }: { stats: ConnectorStats }) {
  const top = Math.max(1, ...stats.daily.map((day) => Math.max(day.delivered, sumOf(day.failed))));
  const failed = sumOf(stats.totals.failed);
  const summary =
    `Delivered messages and failed attempts per day from ${stats.from} to ${stats.to}: ` +
    `${count(stats.totals.delivered)} delivered, ${count(failed)} failed attempts. Every day's numbers are in the table "Traffic per day".`;
  return html`
    <figure class="traffic-figure">
      <ul class="legend">
        <li><span class="swatch swatch-delivered" aria-hidden="true"></span>Delivered</li>
        <li><span class="swatch swatch-failed" aria-hidden="true"></span>Failed attempts</li>
        <li class="scale">Highest day: ${count(top)}</li>
      </ul>
      <svg
        class="traffic-chart"
        viewBox=${`0 0 ${stats.daily.length * SLOT} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby="traffic-chart-title"
        focusable="false"
      >
        <title id="traffic-chart-title">${summary}</title>
        ${stats.daily.map((day, index) => html`<${Bars} key=${day.day} day=${day} index=${index} top=${top} />`)}
      </svg>
      <figcaption class="chart-axis"><span>${stats.from}</span><span>${stats.to} (UTC days)</span></figcaption>
    </figure>
  `;
}

/** Every day's numbers: the chart's text alternative, folded away until asked for. */
export function DailyTrafficTable({ stats }: { stats: ConnectorStats }) {
  return html`
    <details class="daily-traffic">
      <summary>Traffic per day (table)</summary>
      <div class="table-scroll" tabindex="0" role="region" aria-label="Traffic per day">
        <table>
          <caption>
            Traffic per UTC day, ${stats.from} to ${stats.to}
          </caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col" class="number">Delivered</th>
              <th scope="col" class="number">Of them removed</th>
              <th scope="col" class="number">Retried</th>
              <th scope="col" class="number">Failed attempts</th>
              <th scope="col" class="number">Dead-lettered</th>
              <th scope="col" class="number">Skipped</th>
            </tr>
          </thead>
          <tbody>
            ${stats.daily.map(
              (day) => html`
                <tr key=${day.day}>
                  <th scope="row">${day.day}</th>
                  <td class="number">${count(day.delivered)}</td>
                  <td class="number">${count(day.removed)}</td>
                  <td class="number">${count(day.retried)}</td>
                  <td class="number">${count(sumOf(day.failed))}</td>
                  <td class="number">${count(sumOf(day.deadLettered))}</td>
                  <td class="number">${count(sumOf(day.skipped))}</td>
                </tr>
              `,
            )}
          </tbody>
        </table>
      </div>
    </details>
  `;
}
