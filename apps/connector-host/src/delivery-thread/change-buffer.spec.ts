import { describe, expect, it } from 'vitest';
import { BacklogCounters } from '../store/outbox/backlog-counters.js';
import { ChangeBuffer } from './change-buffer.js';
import type { ChangesMessage } from './thread-messages.js';

describe('ChangeBuffer', () => {
  it('sends one message per event-loop turn, deltas summed per connector, changes once each', async () => {
    const sent: ChangesMessage[] = [];
    const buffer = new ChangeBuffer((message) => sent.push(message));
    buffer.delta('a', 3);
    buffer.delta('b', 1);
    buffer.delta('a', -1);
    buffer.setUpChanged('a');
    buffer.setUpChanged('a');
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([
      {
        kind: 'changes',
        deltas: [
          ['a', 2],
          ['b', 1],
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
    expect(sent).toEqual([{ kind: 'changes', deltas: [['a', -5]], changed: [] }]);
  });
});

describe('BacklogCounters on two event loops', () => {
  it("pass on their own changes only: the other loop's are applied without echo", () => {
    const intake = new BacklogCounters([{ connectorId: 'a', pending: 2 }]);
    const delivery = new BacklogCounters(intake.entries());
    const toDelivery: [string, number][] = [];
    const toIntake: [string, number][] = [];
    intake.listen((id, delta) => toDelivery.push([id, delta]));
    delivery.listen((id, delta) => toIntake.push([id, delta]));
    intake.add('a', 3); // a commit
    for (const [id, delta] of toDelivery.splice(0)) delivery.apply(id, delta);
    delivery.add('a', -4); // a settlement
    for (const [id, delta] of toIntake.splice(0)) intake.apply(id, delta);
    expect([intake.count('a'), delivery.count('a')]).toEqual([1, 1]);
    expect(toDelivery).toEqual([]);
    expect(toIntake).toEqual([]);
  });

  it('never go below zero (late settlements of a deleted connector), and start again from a recount', () => {
    const counters = new BacklogCounters();
    counters.apply('gone', -3);
    expect(counters.count('gone')).toBe(0);
    expect(counters.entries()).toEqual([]);
    counters.replaceAll([{ connectorId: 'x', pending: 7 }]);
    expect(counters.entries()).toEqual([{ connectorId: 'x', pending: 7 }]);
  });
});
