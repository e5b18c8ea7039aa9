import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { freeLoopbackPort } from '@event-connectors/connector-sdk/testing';
import { delimiter, join } from 'node:path';
import { PubSub, v1 } from '@google-cloud/pubsub';
import { EmulatorSubscription } from './emulator-subscription.js';

/** Where Debian's package google-cloud-cli-pubsub-emulator installs Google's emulator. */
export const EMULATOR_BINARY = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';
/** What a start may take (a JVM on a busy machine). */
const START_TIMEOUT_MS = 60_000;
/** What it gets to stop after SIGTERM before the whole group is killed. */
const STOP_GRACE_MS = 5_000;
const POLL_MS = 100;
/** What its output keeps, for a start that fails. */
const LOG_TAIL_CHARS = 4_000;

/**
 * Google's own Pub/Sub emulator (Java 17) as a child process on a free loopback port, in a process group of its own:
 * stopping it kills the whole group (its start script may leave a java child behind). It keeps nothing on disk.
 */
export class PubSubEmulator {
  /** Its process, which leads its process group. */
  readonly pid: number | undefined;
  private readonly admins = new Map<string, PubSub>();
  private log = '';
  /** Why the binary could not be run at all (spawn failed), if it could not. */
  private spawnError?: Error;
  private readonly killOnExit = () => this.signal('SIGKILL');

  private constructor(
    private readonly child: ChildProcess,
    /** host:port, as a set-up's emulatorEndpoint. */
    readonly endpoint: string,
  ) {
    this.pid = child.pid;
    const keep = (chunk: Buffer) => (this.log = (this.log + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', (error) => (this.spawnError = error));
    // A test process that ends without stop() must not leave a JVM behind.
    process.once('exit', this.killOnExit);
  }

  /** Whether this machine has the emulator and a java to run it (Debian 12 images; not Debian 13). */
  static available(binary = EMULATOR_BINARY): boolean {
    const javaHome = process.env.JAVA_HOME;
    const javas = javaHome ? [join(javaHome, 'bin', 'java')] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'java'));
    return executable(binary) && javas.some(executable);
  }

  /**
   * Starts it and waits until it answers a call (at most a minute), on `port` (a restart on the port of one stopped
   * before, for outages) or a free one.
   */
  static async start(options: { binary?: string; port?: number } = {}): Promise<PubSubEmulator> {
    const binary = options.binary ?? EMULATOR_BINARY;
    const port = options.port ?? (await freeLoopbackPort());
    const child = spawn(binary, ['--host=127.0.0.1', `--port=${port}`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', ...(process.env.JAVA_HOME && { JAVA_HOME: process.env.JAVA_HOME }) },
    });
    const emulator = new PubSubEmulator(child, `127.0.0.1:${port}`);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let attempt = 0; attempt < START_TIMEOUT_MS / POLL_MS; attempt++) {
      if (await emulator.answers()) return emulator;
      if (emulator.spawnError || !emulator.running || Date.now() > deadline) break;
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
    }
    await emulator.stop();
    const why = emulator.spawnError?.message ?? emulator.log;
    throw new Error(`the Pub/Sub emulator did not start on ${emulator.endpoint} (it exited, or did not answer within a minute):\n${why}`);
  }

  async createTopic(projectId: string, topicId: string): Promise<void> {
    await this.admin(projectId).createTopic(topicId);
  }

  async deleteTopic(projectId: string, topicId: string): Promise<void> {
    await this.admin(projectId).topic(topicId).delete();
  }

  /** A subscription to the topic with message ordering on, as a consumer that needs each profile's order sets it up. */
  async createOrderedSubscription(projectId: string, topicId: string, subscriptionId: string): Promise<EmulatorSubscription> {
    const admin = this.admin(projectId);
    await admin.topic(topicId).createSubscription(subscriptionId, { enableMessageOrdering: true });
    const subscriber = new v1.SubscriberClient((await admin.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    return new EmulatorSubscription(subscriber, `projects/${projectId}/subscriptions/${subscriptionId}`);
  }

  /** Stops it: SIGTERM to its process group, SIGKILL to the group if it is not gone within 5 s. Idempotent. */
  async stop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    await Promise.all([...this.admins.values()].map((admin) => admin.close()));
    this.admins.clear();
    if (!this.running) return;
    const exited = new Promise<boolean>((resolve) => this.child.once('exit', () => resolve(true)));
    this.signal('SIGTERM');
    const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS).unref());
    if (!(await Promise.race([exited, timer]))) {
      this.signal('SIGKILL');
      await exited;
    }
  }

  /** Freezes it (SIGSTOP to its process group): calls reach it and hang unanswered, as a stalled service's do. */
  freeze(): void {
    this.signal('SIGSTOP');
  }

  /** Lets a frozen emulator go on (SIGCONT): what it held is answered. */
  thaw(): void {
    this.signal('SIGCONT');
  }

  /** Whether its process is there to stop (it was spawned and has not exited). */
  private get running(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private admin(projectId: string): PubSub {
    let admin = this.admins.get(projectId);
    if (!admin) {
      admin = new PubSub({ projectId, apiEndpoint: this.endpoint, emulatorMode: true, universeDomain: 'googleapis.com' });
      this.admins.set(projectId, admin);
    }
    return admin;
  }

  private async answers(): Promise<boolean> {
    try {
      await this.admin('emulator-probe').getTopics({ gaxOpts: { timeout: 1000, retry: { retryCodes: [] } } });
      return true;
    } catch {
      return false;
    }
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, signal);
    } catch {
      // The group is gone already.
    }
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
