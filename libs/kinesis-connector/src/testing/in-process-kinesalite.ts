import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Test credentials in the formats the settings class accepts; kinesalite checks the signature's shape only. */
export const TEST_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const TEST_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A record as a customer's consumer reads it from the stream. */
export interface StreamRecord {
  partitionKey: string;
  data: string;
  shardId: string;
  sequenceNumber: string;
}

/** A client for arranging and reading streams of any Kinesis endpoint (an emulator on loopback). */
export class KinesisTestClient {
  readonly client: KinesisClient;

  constructor(
    readonly endpoint: string,
    region: string,
  ) {
    this.client = new KinesisClient({
      region,
      endpoint,
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
      requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
    });
  }

  async createStream(streamName: string, shardCount = 1): Promise<void> {
    await this.client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    await waitUntilStreamExists({ client: this.client, maxWaitTime: 10, minDelay: 1 }, { StreamName: streamName });
  }

  async deleteStream(streamName: string): Promise<void> {
    await this.client.send(new DeleteStreamCommand({ StreamName: streamName }));
  }

  /** Every record of the stream, shard by shard, each shard in sequence order. */
  async readAll(streamName: string): Promise<StreamRecord[]> {
    const { Shards = [] } = await this.client.send(new ListShardsCommand({ StreamName: streamName }));
    const records: StreamRecord[] = [];
    for (const shard of Shards) {
      let { ShardIterator: iterator } = await this.client.send(
        new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (iterator) {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        for (const record of page.Records ?? []) {
          records.push({
            partitionKey: record.PartitionKey!,
            data: Buffer.from(record.Data!).toString('utf8'),
            shardId: shard.ShardId!,
            sequenceNumber: record.SequenceNumber!,
          });
        }
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  close(): void {
    this.client.destroy();
  }
}

/** A real Kinesis API (kinesalite) in this process on 127.0.0.1, with a client to arrange and read streams. */
export class InProcessKinesalite extends KinesisTestClient {
  private constructor(
    private readonly server: http.Server,
    endpoint: string,
    region: string,
  ) {
    super(endpoint, region);
  }

  /** Starts kinesalite on a free loopback port; `region` is what it writes into stream ARNs. */
  static async start(region = 'eu-west-1', options: { createStreamMs?: number } = {}): Promise<InProcessKinesalite> {
    const previous = process.env.AWS_REGION;
    process.env.AWS_REGION = region; // kinesalite reads the ARN region from the environment when it starts
    const kinesalite = createRequire(import.meta.url)('kinesalite') as (options: Record<string, number>) => http.Server;
    const server = kinesalite({
      createStreamMs: options.createStreamMs ?? 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      shardLimit: 10_000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    if (previous === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = previous;
    return new InProcessKinesalite(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region);
  }

  async stop(): Promise<void> {
    this.close();
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
