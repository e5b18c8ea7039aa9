import type { ChangesMessage } from './thread-messages.js';

/**
 * Gathers one side's backlog deltas and set-up changes and sends them once per event-loop turn: a group commit
 * of 50 requests, or a settlement of 30 rounds, is one message, not one per connector.
 */
export class ChangeBuffer {
  private deltas = new Map<string, [delta: number, bytes: number]>();
  private changed = new Set<string>();
  private scheduled?: NodeJS.Immediate;

  constructor(private readonly send: (message: ChangesMessage) => void) {}

  delta(connectorId: string, delta: number, bytes = 0): void {
    const entry = this.deltas.get(connectorId);
    if (entry) {
      entry[0] += delta;
      entry[1] += bytes;
    } else this.deltas.set(connectorId, [delta, bytes]);
    this.schedule();
  }

  setUpChanged(connectorId: string): void {
    this.changed.add(connectorId);
    this.schedule();
  }

  /** Sends what is gathered now (before stopping). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.deltas.size === 0 && this.changed.size === 0) return;
    const message: ChangesMessage = {
      kind: 'changes',
      deltas: [...this.deltas].map(([connectorId, [delta, bytes]]) => [connectorId, delta, bytes]),
      changed: [...this.changed],
    };
    this.deltas = new Map();
    this.changed = new Set();
    this.send(message);
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => this.flush());
  }
}
