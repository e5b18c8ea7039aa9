import type { KinesisTestClient } from '@event-connectors/kinesis-connector/testing';
import type { SentEvent } from './load-generator.js';
import type { StreamMessage } from './verdict.js';

/** Every record of a stream, as the verdict reads it: profile and per-profile sequence (the message's timestamp). */
export async function messages(reader: KinesisTestClient, stream: string): Promise<StreamMessage[]> {
  return (await reader.readAll(stream)).map((record) => {
    const message = JSON.parse(record.data) as { profileId: string; timestamp: number };
    return { profileId: message.profileId, timestamp: message.timestamp };
  });
}

/** Reads the stream until every accepted event is on it (or 90 s pass); returns the records and the seconds waited. */
export async function drained(reader: KinesisTestClient, stream: string, accepted: readonly SentEvent[], earlier: StreamMessage[] = []) {
  const started = Date.now();
  const wanted = new Set(accepted.map((event) => `${event.profileId}#${event.sequence}`));
  for (;;) {
    const records = [...earlier, ...(await messages(reader, stream))];
    const seen = new Set(records.map((record) => `${record.profileId}#${record.timestamp}`));
    if ([...wanted].every((id) => seen.has(id)) || Date.now() - started > 90_000)
      return { records, seconds: (Date.now() - started) / 1000 };
    await new Promise((r) => setTimeout(r, 200));
  }
}
