import type { MessagePort } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { DeliveryService } from '../../delivery/delivery.service.js';
import { MetricsService } from '../../observability/metrics.service.js';
import { ConnectorChanges } from '../../setups/connector-changes.js';
import { OutboxStore } from '../../store/outbox/outbox-store.js';
import { ChangeBuffer } from './change-buffer.js';
import type { Answers, DeliveryThreadData, FromDeliveryThread, Question, ToDeliveryThread } from './thread-messages.js';

export const HOST_PORT = Symbol('HOST_PORT');
export const THREAD_DATA = Symbol('THREAD_DATA');

/**
 * Delivery's end of the link to the host's event loop: applies the host's backlog changes and set-up changes
 * (waking the loops they concern), sends back its own (settlements, expiries, pauses), and answers the host's
 * questions about loops and metrics.
 */
@Injectable()
export class ThreadLink implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ThreadLink.name);
  private readonly outgoing: ChangeBuffer;
  private subscription?: Subscription;
  private readonly onMessage = (message: ToDeliveryThread) => this.receive(message);

  constructor(
    @Inject(HOST_PORT) private readonly port: MessagePort,
    @Inject(THREAD_DATA) private readonly data: DeliveryThreadData,
    private readonly outbox: OutboxStore,
    private readonly changes: ConnectorChanges,
    private readonly delivery: DeliveryService,
    private readonly metrics: MetricsService,
  ) {
    this.outgoing = new ChangeBuffer((message) => this.send(message));
  }

  /** Before the loops start (on bootstrap): they count from the host's numbers, and every change after them. */
  onModuleInit(): void {
    this.outbox.counters.replaceAll(this.data.backlog);
    this.outbox.counters.listen((connectorId, delta, bytes) => this.outgoing.delta(connectorId, delta, bytes));
    this.subscription = this.changes.madeHere$.subscribe((connectorId) => this.outgoing.setUpChanged(connectorId));
    this.port.on('message', this.onMessage);
  }

  /** Tells the host this thread is ready (after the loops started). */
  ready(): void {
    this.send({ kind: 'ready' });
  }

  onModuleDestroy(): void {
    this.port.off('message', this.onMessage);
    this.subscription?.unsubscribe();
    this.outbox.counters.listen(undefined);
    // What the last rounds settled, before the thread ends.
    this.outgoing.flush();
  }

  private receive(message: ToDeliveryThread): void {
    switch (message.kind) {
      case 'changes': {
        const arrived: string[] = [];
        for (const [connectorId, delta, bytes] of message.deltas) {
          this.outbox.counters.apply(connectorId, delta, bytes);
          if (delta > 0) arrived.push(connectorId);
        }
        for (const connectorId of message.changed) {
          // First: a round started before the set-up is read again must not send what a delete removed.
          this.outbox.changedElsewhere(connectorId);
          this.changes.heard(connectorId);
        }
        // Counted on the host: the host committed them (intake, a replay). The same channel as every arrival.
        this.outbox.arrived(arrived);
        return;
      }
      case 'ask':
        this.answer(message.question).then(
          (value) => this.send({ kind: 'answer', id: message.id, value }),
          (error: unknown) => {
            this.logger.error(`could not answer ${message.question.about}: ${String(error)}`);
            this.send({ kind: 'answer', id: message.id, error: error instanceof Error ? error.message : String(error) });
          },
        );
        return;
      case 'stop':
        return; // the thread's entry closes the application, which ends this link
    }
  }

  private async answer(question: Question): Promise<Answers[keyof Answers]> {
    switch (question.about) {
      case 'loops':
        return [...this.delivery.loops()];
      case 'metrics':
        return this.metrics.registry.getMetricsAsJSON();
    }
  }

  private send(message: FromDeliveryThread): void {
    this.port.postMessage(message);
  }
}
