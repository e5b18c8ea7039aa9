import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeOnPostgres } from '../../../../../test/support/postgres.js';
import { A, StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import { firstOfEachProfile } from '../../delivery/select-batch.js';
import { ChunkViews } from '../outbox/chunk-views.js';
import { DecodedChunks } from '../outbox/decoded-chunks.js';
import { readHead } from './postgres-chunk-io.js';

beforeAll(() => Logger.overrideLogger(false));

// A journey storm on PostgreSQL: a few busy profiles whose messages fill thousands of small chunks. A head read walks
// them all (only each profile's first can go), in queries that grow past the first 64 chunks; across those query
// boundaries it must neither skip a chunk nor take a profile's later message for its first.

describeOnPostgres('a PostgreSQL head read past busy profiles in many small chunks', () => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await StoreUnderTest.create('postgres');
  });
  afterEach(async () => {
    await store.remove();
  });

  const commitAll = async (chunks: string[][]) => {
    let n = 0;
    for (const keys of chunks) {
      const messages = keys.map((key) => ({ connectorId: A, partitionKey: key, sourceId: null, body: `{"n":${n++}}` }));
      store.outbox.committed((await store.outbox.commitGroup([{ messages, acceptedAt: 1000 }])).appended);
    }
  };
  const busy = (chunk: number) => [`busy-${chunk % 3}`, `busy-${(chunk + 1) % 3}`];

  it("finds each profile's first message, and a profile seen only at the end, across growing queries", async () => {
    // 1,500 chunks of two messages: far past the first query's 64 chunks.
    await commitAll([...Array.from({ length: 1500 }, (_, chunk) => busy(chunk)), ['latecomer']]);
    const head = [...(await store.outbox.head(A, 500, 8, firstOfEachProfile(new Set(['busy-1']))))];
    expect(head.map((message) => [message.partition_key, message.body])).toEqual([
      ['busy-0', '{"n":0}'],
      ['busy-2', '{"n":3}'],
      ['latecomer', '{"n":3000}'],
    ]);
  });

  it('skips no chunk where one query ends and the next begins', async () => {
    // With no room to grow, each query is 64 chunks: a profile of its own opens every query after the first.
    const chunks = Array.from({ length: 300 }, (_, chunk) =>
      chunk > 0 && chunk % 64 === 0 ? [`opens-${chunk}`, ...busy(chunk)] : busy(chunk),
    );
    await commitAll(chunks);
    const head = await readHead(store.database.db, new DecodedChunks(), new ChunkViews(), {
      connectorId: A,
      partitions: [0],
      pageSize: 500,
      pages: 1,
      skipKey: firstOfEachProfile(new Set()),
      bytesPerLaterRead: 1,
    });
    expect(head.map((message) => message.partition_key)).toEqual([
      'busy-0',
      'busy-1',
      'busy-2',
      'opens-64',
      'opens-128',
      'opens-192',
      'opens-256',
    ]);
  });
});
