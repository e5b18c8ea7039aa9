import type { ConnectorInstance, DeliveryMessage, DeliveryOutcome } from '@event-connectors/connector-sdk';

/** How long past its budget a call may take to end on its own (its abort landing) before its slot is taken back. */
const OVERDUE_GRACE_MS = 1000;

/**
 * One `deliver` call within the host's budget: the connector gets a signal that aborts at `budgetMs`, and
 * `giveBackSlot` runs once, when the call ends or, for a plugin that ignores its signal, a second after the budget
 * (`overdue` is told): its messages stay held (in flight, in order) until it answers, but no other tenant waits.
 */
export async function deliverWithinBudget(
  instance: ConnectorInstance,
  messages: DeliveryMessage[],
  budgetMs: number,
  giveBackSlot: () => void,
  overdue: () => void,
): Promise<DeliveryOutcome[]> {
  let holdsSlot = true;
  const release = () => {
    if (!holdsSlot) return;
    holdsSlot = false;
    giveBackSlot();
  };
  const timer = setTimeout(() => {
    overdue();
    release();
  }, budgetMs + OVERDUE_GRACE_MS);
  try {
    return await instance.deliver(messages, { signal: AbortSignal.timeout(budgetMs) });
  } finally {
    clearTimeout(timer);
    release();
  }
}
