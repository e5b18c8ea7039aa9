import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchHost } from './host.js';
import { benchClient } from './kinesis-client.js';
import { runJson } from './processes.js';

/** The row against a real Kinesis API: the host and a user's one-call-at-a-time loop, both on kinesalite. */
export interface KinesaliteRow {
  events: number;
  delivered: number;
  hostEventsPerSecond: number;
  emulatorRecordsPerSecond: number;
}

/** kinesalite in its own process, one 4-shard stream; `events` posted to the host, counted by its own acknowledgements. */
export async function kinesaliteRow(script: (name: string) => string, port: number, scale: number): Promise<KinesaliteRow> {
  const { EmbeddedKinesalite } = await import('@event-connectors/kinesis-connector/dev');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-kinesalite-'));
  const emulator = await EmbeddedKinesalite.start({ port: 0, dataDir, region: 'eu-west-1' });
  const { CreateStreamCommand, waitUntilStreamExists, DescribeStreamSummaryCommand } = await import('@aws-sdk/client-kinesis');
  const admin = benchClient(emulator.endpoint);
  try {
    await admin.send(new CreateStreamCommand({ StreamName: 'bench', ShardCount: 4 }));
    await waitUntilStreamExists({ client: admin, maxWaitTime: 30, minDelay: 1 }, { StreamName: 'bench' });
    const emulatorLimit = await runJson<{ rate: number }>(script('limit'), [emulator.endpoint, String(5000 * scale + 1000), '1']);
    const host = await BenchHost.start(emulator.endpoint, port);
    try {
      const events = Math.round(100_000 * scale);
      const started = Date.now();
      const load = await runJson<{ accepted: number }>(script('load'), [host.url, 'max', String(events), '8', '100']);
      // Delivered = the host's own count of acknowledged records.
      let delivered = 0;
      const deadline = Date.now() + 300_000;
      while (delivered < load.accepted && Date.now() < deadline) {
        const metrics = await (await fetch(`${host.url}/metrics`)).text();
        delivered = Number(/connector_host_records_put_total\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
        if (delivered < load.accepted) await new Promise((r) => setTimeout(r, 100));
      }
      const seconds = (Date.now() - started) / 1000;
      await admin.send(new DescribeStreamSummaryCommand({ StreamName: 'bench' }));
      return {
        events: load.accepted,
        delivered,
        hostEventsPerSecond: Math.round(delivered / seconds),
        emulatorRecordsPerSecond: Math.round(emulatorLimit.rate),
      };
    } finally {
      await host.stop();
    }
  } finally {
    admin.destroy();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
