import type { DeliveryMessage } from '@event-connectors/connector-sdk';

/**
 * A call's messages as one chain per profile (their indexes, in the call's order). A chain is published one message
 * after another, each once the one before it was answered: Pub/Sub orders a key's messages as it receives them, and
 * two publishes of one key in flight together could arrive either way round.
 */
export function profileChains(messages: readonly DeliveryMessage[]): number[][] {
  const chains = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const chain = chains.get(message.partitionKey);
    if (chain) chain.push(index);
    else chains.set(message.partitionKey, [index]);
  });
  return [...chains.values()];
}
