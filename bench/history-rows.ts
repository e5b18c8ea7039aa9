import { type BenchContext, deliveryWith, type FanOutRun } from './fanout.js';
import { runJson } from './processes.js';

// The message history's rows of npm run bench: what it costs the store per message (history-cost.ts, one big and
// many small connectors), and what it costs the host end to end: the same load through a host keeping it and one
// not (MESSAGE_HISTORY_DAYS=0), alternated in pairs so both see the same machine.

export interface HistoryStoreCost {
  connectors: number;
  perConnector: number;
  usPerMessageWithout: number;
  usPerMessageWith: number;
  historyUsPerMessage: number;
  historyBytesPerMessage: number;
  messageBytes: number;
}

export interface HistoryCost {
  store: HistoryStoreCost[];
  /** Host CPU us per event with and without the history, per alternated pair. */
  pairs: { connectors: number; withHistory: number; without: number }[];
}

export async function historyCost(context: BenchContext, scale: number, connectorCounts: number[], pairs: number): Promise<HistoryCost> {
  const rounds = String(Math.round(200 * Math.max(scale, 0.25)));
  const store = [
    await runJson<HistoryStoreCost>(context.script('history-cost'), ['1', '500', rounds]),
    await runJson<HistoryStoreCost>(context.script('history-cost'), ['100', '5', rounds]),
  ];
  context.log(`history, store: ${JSON.stringify(store)}`);
  const events = Math.round(100_000 * Math.max(scale, 0.2));
  const measured: HistoryCost['pairs'] = [];
  for (const connectors of connectorCounts) {
    for (let pair = 0; pair < pairs; pair++) {
      const run = (days: string): Promise<FanOutRun> =>
        deliveryWith(context, connectors, events, { capSeconds: 150, hostEnv: { MESSAGE_HISTORY_DAYS: days } });
      // Alternating which goes first.
      const [first, second] = pair % 2 === 0 ? ['7', '0'] : ['0', '7'];
      const runs = { [first]: await run(first), [second]: await run(second) };
      measured.push({ connectors, withHistory: runs['7'].hostCpuUsPerEvent, without: runs['0'].hostCpuUsPerEvent });
    }
  }
  context.log(`history, host: ${JSON.stringify(measured)}`);
  return { store, pairs: measured };
}
