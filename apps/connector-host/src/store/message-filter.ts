/** Which messages an operator looks for (the delivery trace, pending messages, dead letters): all given fields must match. */
export interface MessageFilter {
  connectorId?: string;
  profileId?: string;
  sourceId?: string;
}
