import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { freeLoopbackPort } from '@event-connectors/connector-sdk/testing';
import { dirname, join } from 'node:path';
import { ListStreamsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { KinesisTestClient } from './in-process-kinesalite.js';

/**
 * kinesis-local (the Node build of kinesis-mock, an independent implementation of the Kinesis API) as a child
 * process on loopback: it replaces `process.exit` and listens on every interface, so it cannot run in-process.
 * A second real peer beside kinesalite, so the connector is not fitted to one emulator's leniencies.
 */
export class KinesisLocalProcess extends KinesisTestClient {
  private constructor(
    private readonly child: ChildProcess,
    endpoint: string,
    region: string,
  ) {
    super(endpoint, region);
  }

  /** Starts it with `streams` (name → shard count) created, and waits until they are ACTIVE. */
  static async start(region: string, streams: Record<string, number>): Promise<KinesisLocalProcess> {
    const main = createRequire(import.meta.url).resolve('kinesis-local');
    const [plainPort, tlsPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        KINESIS_MOCK_PLAIN_PORT: String(plainPort),
        KINESIS_MOCK_TLS_PORT: String(tlsPort),
        KINESIS_MOCK_CERT_PATH: join(dirname(main), 'server.json'),
        AWS_REGION: region,
        INITIALIZE_STREAMS: Object.entries(streams)
          .map(([name, shards]) => `${name}:${shards}:${region}`)
          .join(','),
        CREATE_STREAM_DURATION: '0ms',
        LOG_LEVEL: 'ERROR',
        ROOT_LOG_LEVEL: 'ERROR',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const peer = new KinesisLocalProcess(child, `http://127.0.0.1:${plainPort}`, region);
    // It logs nothing when ready: poll until it lists every stream it was asked to create.
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const { StreamNames = [] } = await peer.client.send(new ListStreamsCommand({}));
        if (Object.keys(streams).every((name) => StreamNames.includes(name))) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || child.exitCode !== null) {
        await peer.stop();
        throw new Error('kinesis-local did not start within 30 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const name of Object.keys(streams)) await peer.waitActive(name);
    return peer;
  }

  async stop(): Promise<void> {
    this.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  private async waitActive(streamName: string): Promise<void> {
    await waitUntilStreamExists({ client: this.client, maxWaitTime: 20, minDelay: 1 }, { StreamName: streamName });
  }
}
