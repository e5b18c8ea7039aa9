import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { A, StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import { firstOfEachProfile } from '../../delivery/select-batch.js';

beforeAll(() => Logger.overrideLogger(false));

// A journey storm on PostgreSQL: a few busy profiles whose messages fill thousands of small chunks. A head read walks
// them all (only each profile's first can go), in queries that grow past the first 64 chunks; across those query
// boundaries it must neither skip a chunk nor take a profile's later message for its first.

describe('a PostgreSQL head read past busy profiles in many small chunks', () => {
  let store: StoreUnderTest;
  beforeEach(async () => {
    store = await StoreUnderTest.create('postgres');
  });
  afterEach(async () => {
    await store.remove();
  });

  it("finds each profile's first message, and a profile seen only at the end, across growing queries", async () => {
    const { outbox } = store;
    let n = 0;
    const commit = async (keys: string[]) => {
      const messages = keys.map((key) => ({ connectorId: A, partitionKey: key, sourceId: null, body: `{"n":${n++}}` }));
      outbox.committed((await outbox.commitGroup([{ messages, acceptedAt: 1000 }])).appended);
    };
    // 1,500 chunks of two messages: far past the first query's 64 chunks and the next query's growth.
    for (let chunk = 0; chunk < 1500; chunk++) await commit([`busy-${chunk % 3}`, `busy-${(chunk + 1) % 3}`]);
    await commit(['latecomer']);

    const head = [...(await outbox.head(A, 500, 8, firstOfEachProfile(new Set(['busy-1']))))];
    expect(head.map((message) => [message.partition_key, message.body])).toEqual([
      ['busy-0', '{"n":0}'],
      ['busy-2', '{"n":3}'],
      ['latecomer', '{"n":3000}'],
    ]);
  });
});
