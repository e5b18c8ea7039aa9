import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { A, B, StoreUnderTest } from '../../../../../test/support/store-under-test.js';
import type { LoopStatus } from '../../delivery/delivery-control.js';
import type { DeliveryService } from '../../delivery/delivery.service.js';
import { MetricsService } from '../../observability/metrics.service.js';
import { ConnectorChanges } from '../../setups/connector-changes.js';
import { ThreadLink } from './thread-link.js';
import type { DeliveryThreadData, FromDeliveryThread, ToDeliveryThread } from './thread-messages.js';

/**
 * The delivery service's real peer is the whole delivery engine (loops, connector instances, settlements); the link
 * only asks it which loops run, so this stand-in names them.
 */
class RunningLoops {
  readonly running = new Map<string, LoopStatus>([[A, { failingRounds: 2, lastSuccessAt: 1_000 }]]);
  loops(): Map<string, LoopStatus> {
    return this.running;
  }
}

/** The host's end of the channel: what it posts, and what it received in order. */
function hostEnd(port: MessagePort) {
  const inbox: FromDeliveryThread[] = [];
  let arrived = () => undefined as void;
  port.on('message', (message: FromDeliveryThread) => {
    inbox.push(message);
    arrived();
  });
  const next = async (): Promise<FromDeliveryThread> => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    return inbox.shift()!;
  };
  let asked = 1000;
  /** Asks which loops run and waits for the answer: everything posted before it has been handled by then. */
  const roundTrip = async () => {
    const id = ++asked;
    port.postMessage({ kind: 'ask', id, question: { about: 'loops' } } satisfies ToDeliveryThread);
    expect(await next()).toMatchObject({ kind: 'answer', id });
  };
  return { post: (message: ToDeliveryThread) => port.postMessage(message), next, roundTrip, close: () => port.close() };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('ThreadLink', () => {
  let store: StoreUnderTest;
  let threadPort: MessagePort;
  let host: ReturnType<typeof hostEnd>;
  let arrivals: string[][];
  let changes: ConnectorChanges;
  let metrics: MetricsService;
  let link: ThreadLink;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    store = await StoreUnderTest.create('sqlite');
    const config = store.config;
    const { port1, port2 } = new MessageChannel();
    threadPort = port1;
    host = hostEnd(port2);
    arrivals = [];
    changes = new ConnectorChanges();
    metrics = new MetricsService();
    const data = { role: 'delivery', config, backlog: [{ connectorId: A, pending: 3, bytes: 300 }] } as unknown as DeliveryThreadData;
    // A count this loop read before the link started: the host's numbers replace it.
    store.outbox.counters.apply(B, 7, 700);
    link = new ThreadLink(threadPort, data, store.outbox, changes, new RunningLoops() as unknown as DeliveryService, metrics);
    link.onModuleInit();
    store.outbox.arrived$.subscribe((ids) => arrivals.push(ids));
  });

  afterEach(async () => {
    link.onModuleDestroy();
    threadPort.close();
    await store.remove();
  });

  it('starts counting from the backlog the host had when the thread was made', () => {
    expect([store.outbox.pendingCount(A), store.outbox.pendingBytes(A)]).toEqual([3, 300]);
    expect(store.outbox.pendingCount(B)).toBe(0);
  });

  it("applies the host's backlog changes, and tells delivery of the connectors that got messages only", async () => {
    host.post({
      kind: 'changes',
      deltas: [
        [A, 2, 200],
        [B, -1, -50],
      ],
      changed: [],
    });
    await host.roundTrip();
    expect([store.outbox.pendingCount(A), store.outbox.pendingBytes(A)]).toEqual([5, 500]);
    expect(arrivals).toEqual([[A]]);
    host.post({ kind: 'changes', deltas: [[A, -4, -400]], changed: [] });
    await host.roundTrip();
    expect([store.outbox.pendingCount(A), store.outbox.pendingBytes(A)]).toEqual([1, 100]);
    expect(arrivals).toEqual([[A]]);
  });

  it("tells this loop of the host's set-up changes without passing them, or its deltas, back", async () => {
    const heard: string[] = [];
    const madeHere: string[] = [];
    changes.changed$.subscribe((id) => heard.push(id));
    changes.madeHere$.subscribe((id) => madeHere.push(id));
    host.post({ kind: 'changes', deltas: [[A, 1, 100]], changed: [B] });
    await host.roundTrip();
    expect(heard).toEqual([B]);
    expect(madeHere).toEqual([]);
    // The next message the host gets holds this loop's own change alone: nothing it was told came back.
    store.outbox.counters.add(A, -1, -100);
    expect(await host.next()).toEqual({ kind: 'changes', deltas: [[A, -1, -100]], changed: [] });
  });

  it('answers each question under the id it was asked with', async () => {
    metrics.eventsReceived.inc(3);
    host.post({ kind: 'ask', id: 7, question: { about: 'metrics' } });
    host.post({ kind: 'ask', id: 8, question: { about: 'loops' } });
    const answers = new Map<number, unknown>();
    for (let i = 0; i < 2; i++) {
      const message = await host.next();
      if (message.kind === 'answer') answers.set(message.id, message.value);
    }
    expect([...answers.keys()].sort()).toEqual([7, 8]);
    const received = (answers.get(7) as { name: string; values: { value: number }[] }[]).find(
      (metric) => metric.name === 'connector_host_events_received_total',
    );
    expect(received?.values.map((sample) => sample.value)).toEqual([3]);
    expect(answers.get(8)).toEqual([[A, { failingRounds: 2, lastSuccessAt: 1_000 }]]);
  });

  it('answers a question it could not answer with the error, under its id', async () => {
    metrics.readBacklogsFrom({ backlogs: () => Promise.reject(new Error('database is locked')) });
    host.post({ kind: 'ask', id: 42, question: { about: 'metrics' } });
    expect(await host.next()).toEqual({ kind: 'answer', id: 42, error: 'database is locked' });
    // Still listening: the next question is answered.
    await host.roundTrip();
  });

  it("passes this loop's own changes on in the order they happened, one message per event-loop turn", async () => {
    link.ready();
    store.outbox.counters.add(A, -2, -200);
    changes.changed(B);
    store.outbox.counters.add(A, -1, 0);
    await nextTurn();
    store.outbox.counters.add(B, 4, 400);
    expect(await host.next()).toEqual({ kind: 'ready' });
    expect(await host.next()).toEqual({ kind: 'changes', deltas: [[A, -3, -200]], changed: [B] });
    expect(await host.next()).toEqual({ kind: 'changes', deltas: [[B, 4, 400]], changed: [] });
  });

  it('sends what it gathered at once when destroyed, then lets go of the port and passes nothing more on', async () => {
    const marker = (id: number) => threadPort.postMessage({ kind: 'answer', id } satisfies FromDeliveryThread);
    store.outbox.counters.add(A, -1, -100);
    link.onModuleDestroy();
    // Sent in the same turn, not at the next one: the thread ends right after.
    marker(1);
    expect(threadPort.listenerCount('message')).toBe(0);
    store.outbox.counters.add(A, -1, -100);
    changes.changed(B);
    await nextTurn();
    // Whatever the link sent after being destroyed would arrive before this one.
    marker(2);
    expect(await host.next()).toEqual({ kind: 'changes', deltas: [[A, -1, -100]], changed: [] });
    expect(await host.next()).toEqual({ kind: 'answer', id: 1 });
    expect(await host.next()).toEqual({ kind: 'answer', id: 2 });
  });

  it("keeps counting and closes cleanly once the host's end of the port is gone", async () => {
    const closed = new Promise((resolve) => threadPort.once('close', resolve));
    host.post({ kind: 'changes', deltas: [[A, 1, 100]], changed: [] });
    await host.roundTrip();
    host.close();
    await closed;
    store.outbox.counters.add(A, -2, -200);
    await nextTurn();
    expect(() => link.onModuleDestroy()).not.toThrow();
    expect(store.outbox.pendingCount(A)).toBe(2);
  });
});
