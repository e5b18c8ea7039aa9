import { describe, expect, it } from 'vitest';
import { BacklogCounters } from '../../store/outbox/backlog-counters.js';
import { ChangeBuffer } from './change-buffer.js';
import type { ChangesMessage } from './thread-messages.js';

describe('ChangeBuffer', () => {
  it('sends one message per event-loop turn, deltas summed per connector, changes once each', async () => {
    const sent: ChangesMessage[] = [];
    const buffer = new ChangeBuffer((message) => sent.push(message));
    buffer.delta('a', 3, 300);
    buffer.delta('b', 1);
    buffer.delta('a', -1, -100);
    buffer.setUpChanged('a');
    buffer.setUpChanged('a');
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([
      {
        kind: 'changes',
        deltas: [
          ['a', 2, 200],
          ['b', 1, 0],
        ],
        changed: ['a'],
      },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toHaveLength(1);
  });

  it('flushes at once when asked (before the thread stops), and sends nothing when empty', () => {
    const sent: ChangesMessage[] = [];
    const buffer = new ChangeBuffer((message) => sent.push(message));
    buffer.flush();
    buffer.delta('a', -5);
    buffer.flush();
    expect(sent).toEqual([{ kind: 'changes', deltas: [['a', -5, 0]], changed: [] }]);
  });
});

describe('BacklogCounters on two event loops', () => {
  it("pass on their own changes only: the other loop's are applied without echo", () => {
    const intake = new BacklogCounters([{ connectorId: 'a', pending: 2, bytes: 500 }]);
    const delivery = new BacklogCounters(intake.entries());
    const toDelivery: [string, number, number][] = [];
    const toIntake: [string, number, number][] = [];
    intake.listen((id, delta, bytes) => toDelivery.push([id, delta, bytes]));
    delivery.listen((id, delta, bytes) => toIntake.push([id, delta, bytes]));
    intake.add('a', 3, 700); // a commit
    for (const [id, delta, bytes] of toDelivery.splice(0)) delivery.apply(id, delta, bytes);
    delivery.add('a', -4, -500); // a settlement that removed the first chunk
    for (const [id, delta, bytes] of toIntake.splice(0)) intake.apply(id, delta, bytes);
    expect([intake.count('a'), delivery.count('a')]).toEqual([1, 1]);
    expect([intake.bytes('a'), delivery.bytes('a')]).toEqual([700, 700]);
    expect(toDelivery).toEqual([]);
    expect(toIntake).toEqual([]);
  });

  it('never go below zero (late settlements of a deleted connector), and start again from a recount', () => {
    const counters = new BacklogCounters();
    counters.apply('gone', -3);
    expect(counters.count('gone')).toBe(0);
    expect(counters.entries()).toEqual([]);
    counters.replaceAll([{ connectorId: 'x', pending: 7, bytes: 900 }]);
    expect(counters.entries()).toEqual([{ connectorId: 'x', pending: 7, bytes: 900 }]);
  });

  it('keep a connector while its chunks still hold bytes, and drop it once it has neither messages nor bytes', () => {
    const counters = new BacklogCounters([{ connectorId: 'a', pending: 2, bytes: 400 }]);
    counters.add('a', -2); // a delta of messages alone (bytes come with the chunk's removal)
    expect(counters.entries()).toEqual([{ connectorId: 'a', pending: 0, bytes: 400 }]);
    counters.add('a', 0, -400); // the chunk removed
    expect(counters.entries()).toEqual([]);
  });
});
