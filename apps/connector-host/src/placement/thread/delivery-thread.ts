import { Worker } from 'node:worker_threads';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Subscription } from 'rxjs';
import type { ConnectorOptions } from '../../composition/connector-plugins.js';
import { HOST_CONFIG, type HostConfig } from '../../config/host.config.js';
import { DeliveryControl, type RunningLoops } from '../../delivery/delivery-control.js';
import { ConnectorChanges } from '../../setups/connector-changes.js';
import { OutboxStore } from '../../store/outbox/outbox-store.js';
import { RoutingVersion } from '../../store/repositories/routing-version.js';
import { WriteLock } from '../../store/sqlite/write-lock.js';
import { ChangeBuffer } from './change-buffer.js';
import type { Answers, DeliveryThreadData, FromDeliveryThread, Question, ToDeliveryThread } from './thread-messages.js';
import { errorMessage } from '../../common/error-message.js';

/** How delivery's thread is made: the file it runs, the host's resolved configuration and its plugins' options. */
export interface DeliveryThreadOptions {
  entry: URL;
  /** Node options of the thread; by default the process' own. */
  execArgv?: string[];
  config: HostConfig;
  /** The connector plugins' options for the thread, once the host is up (e.g. with the embedded emulator's address). */
  connectorOptions: (modules: ModuleRef) => ConnectorOptions;
}

export const DELIVERY_THREAD_OPTIONS = Symbol('DELIVERY_THREAD_OPTIONS');

/** How long a question to delivery's thread may take before health and metrics give up on it. */
const ANSWER_TIMEOUT_MS = 5_000;
/** Restart delays after the thread died: doubling from the first to the last. */
const RESTART_DELAYS_MS = [500, 30_000] as const;

/**
 * Delivery on its own thread (DELIVERY_THREAD=true, the default): its loops, store connection and connector
 * instances live on another event loop, so intake's HTTP work and delivery's sending and settling use the two
 * cores side by side and neither waits behind the other. This class is the host's end: it starts the thread
 * (and starts it again if it dies: what it had in flight is still in the store), passes on what intake and the
 * API change, keeps the backlog counts in step, and asks the thread what health and metrics show.
 */
@Injectable()
export class DeliveryThread extends DeliveryControl implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryThread.name);
  private readonly outgoing: ChangeBuffer;
  private worker?: Worker;
  private ready = false;
  private stopping = false;
  private restartDelayMs: number = RESTART_DELAYS_MS[0];
  private restartTimer?: NodeJS.Timeout;
  private nextQuestion = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private subscription?: Subscription;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    @Inject(DELIVERY_THREAD_OPTIONS) private readonly options: DeliveryThreadOptions,
    private readonly modules: ModuleRef,
    private readonly outbox: OutboxStore,
    private readonly changes: ConnectorChanges,
    private readonly routing: RoutingVersion,
    private readonly writeLock: WriteLock,
  ) {
    super();
    this.outgoing = new ChangeBuffer((message) => this.post(message));
  }

  /** Starts the thread once the host's modules are up; the host boots only if it starts. */
  async onApplicationBootstrap(): Promise<void> {
    // The thread reads committed chunks from the store; keeping them decoded here would only take memory.
    this.outbox.keepsCommittedChunks = false;
    this.outbox.counters.listen((connectorId, delta, bytes) => this.outgoing.delta(connectorId, delta, bytes));
    this.subscription = this.changes.madeHere$.subscribe((connectorId) => this.outgoing.setUpChanged(connectorId));
    await this.start();
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    this.outgoing.flush();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.post({ kind: 'stop' });
    // The thread waits up to SHUTDOWN_TIMEOUT_MS for its calls in flight; a little more for it to close its store.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), this.config.delivery.shutdownTimeoutMs + 5_000)),
    );
    if ((await Promise.race([exited.then(() => 'done' as const), late])) === 'late') {
      this.logger.warn('delivery thread did not stop in time: ended; unsettled batches stay in the outbox and are sent after restart');
      await worker.terminate();
    }
    clearTimeout(timer);
  }

  async loops(): Promise<RunningLoops> {
    if (!this.ready) return new Map();
    try {
      return new Map(await this.ask({ about: 'loops' }));
    } catch (error) {
      this.logger.warn(`delivery thread did not say which loops run: ${errorMessage(error)}`);
      return new Map();
    }
  }

  async metricsElsewhere(): Promise<MetricObjectWithValues<MetricValue<string>>[]> {
    if (!this.ready) return [];
    try {
      return await this.ask({ about: 'metrics' });
    } catch (error) {
      this.logger.warn(`delivery thread gave no metrics: ${errorMessage(error)}`);
      return [];
    }
  }

  private start(): Promise<void> {
    const data: DeliveryThreadData = {
      role: 'delivery',
      config: this.options.config,
      connectors: this.options.connectorOptions(this.modules),
      // Taken in the same turn as the thread is made: every later change reaches it as a message, in order.
      backlog: this.outbox.counters.entries(),
      writeLock: this.writeLock.buffer,
    };
    const worker = new Worker(this.options.entry, { workerData: data, execArgv: this.options.execArgv });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromDeliveryThread) => {
        if (message.kind === 'ready') {
          started = true;
          this.ready = true;
          resolve();
          return;
        }
        this.receive(message);
      });
      worker.on('error', (error: unknown) =>
        this.logger.error(`delivery thread failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      );
      worker.on('exit', (code) => {
        this.ready = false;
        if (this.worker === worker) this.worker = undefined;
        for (const { reject: fail } of this.pending.values()) fail(new Error('delivery thread ended'));
        this.pending.clear();
        // It may have died inside a transaction: nobody else can hold the write lock now.
        this.writeLock.reset();
        if (!started) {
          reject(new Error(`delivery thread ended before it was ready (exit code ${code})`));
          return;
        }
        if (!this.stopping) this.restartLater(code);
      });
    });
  }

  /** The thread died (a bug, out of memory): whatever it had in flight is still in the store; start it again. */
  private restartLater(code: number): void {
    this.logger.error(`delivery thread ended (exit code ${code}); starting it again in ${this.restartDelayMs} ms`);
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      // Its last settlements may not have reached us: count again from the store, which is the truth.
      // (SQLite counts synchronously, so the snapshot start() hands the new thread already has the new counts.)
      void this.outbox.recount();
      this.start().then(
        () => (this.restartDelayMs = RESTART_DELAYS_MS[0]),
        (error: unknown) => {
          this.logger.error(`delivery thread did not start again: ${errorMessage(error)}`);
          this.restartDelayMs = Math.min(this.restartDelayMs * 2, RESTART_DELAYS_MS[1]);
          if (!this.stopping) this.restartLater(-1);
        },
      );
    }, this.restartDelayMs);
  }

  private receive(message: FromDeliveryThread): void {
    if (message.kind === 'changes') {
      for (const [connectorId, delta, bytes] of message.deltas) this.outbox.counters.apply(connectorId, delta, bytes);
      if (message.changed.length > 0) this.routing.bump();
      for (const connectorId of message.changed) this.changes.heard(connectorId);
    } else if (message.kind === 'answer') {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.value);
    }
  }

  private ask<Q extends Question>(question: Q): Promise<Answers[Q['about']]> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('delivery thread is not running'));
    const id = this.nextQuestion++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Answers[Q['about']]);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      worker.postMessage({ kind: 'ask', id, question } satisfies ToDeliveryThread);
    });
  }

  private post(message: ToDeliveryThread): void {
    this.worker?.postMessage(message);
  }
}
