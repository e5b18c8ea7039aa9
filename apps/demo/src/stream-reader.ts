import http from 'node:http';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface ConsumedRecord {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  arrivedAt: string;
  data: string;
}

/** Reads a whole stream from its start, as a customer's consumer (a Lambda, a KCL app) would. */
export async function readStream(
  endpoint: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  streamName: string,
): Promise<ConsumedRecord[]> {
  const client = new KinesisClient({
    region,
    endpoint,
    credentials,
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
  try {
    const records: ConsumedRecord[] = [];
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    for (const shard of Shards) {
      let { ShardIterator: iterator } = await client.send(
        new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (iterator) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
        if (!page.Records?.length) break;
        for (const record of page.Records) {
          records.push({
            shardId: shard.ShardId!,
            sequenceNumber: record.SequenceNumber!,
            partitionKey: record.PartitionKey!,
            arrivedAt: record.ApproximateArrivalTimestamp?.toISOString() ?? '',
            data: Buffer.from(record.Data!).toString('utf8'),
          });
        }
        iterator = page.NextShardIterator;
      }
    }
    return records;
  } finally {
    client.destroy();
  }
}
