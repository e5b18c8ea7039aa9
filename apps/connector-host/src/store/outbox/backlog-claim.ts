/**
 * A bound a request's messages must fit in (a site's backlog quota, a connector's cap), verified by the store inside
 * the commit that would store them. Intake checks its in-memory counts first; those of instances sharing a
 * PostgreSQL trail the others' commits by a notification, so near a bound the store has the last word.
 */
export interface BacklogClaim {
  /** What the bound covers, e.g. `site:9` or `connector:<id>`. */
  scope: string;
  /** The connectors whose pending messages count toward it: on PostgreSQL, each locked until the commit ends. */
  connectorIds: readonly string[];
  /** What the request adds. */
  messages: number;
  bytes: number;
  maxMessages: number;
  maxBytes: number;
}

/** What a scope holds: pending messages and the bytes of the chunks that store them. */
export interface BacklogHeld {
  messages: number;
  bytes: number;
}

/** A request refused at commit: the index of its claim that did not fit, and what that claim's scope held then. */
export interface ClaimRefused {
  claim: number;
  held: BacklogHeld;
}

/** A request as the store checks it: its claims, and the messages it would store. */
export interface ClaimingRequest {
  claims?: readonly BacklogClaim[];
  messages: readonly { connectorId: string; partitionKey: string; body: string }[];
}

/** Every connector the requests' claims count, once each. */
export function claimedConnectors(requests: readonly ClaimingRequest[]): string[] {
  const connectorIds = new Set<string>();
  for (const request of requests) for (const claim of request.claims ?? []) for (const id of claim.connectorIds) connectorIds.add(id);
  return [...connectorIds];
}

/**
 * Which requests of a group do not fit their claims, taken in order: each claim's scope holds what the store
 * holds for its connectors plus what the group's earlier requests add to them (claiming or not); a refused request
 * stores nothing, so it adds nothing to the sums the requests after it are checked against.
 * `skip`: requests that store nothing anyway (another instance committed their Idempotency-Key).
 */
export function refusedClaims(
  requests: readonly ClaimingRequest[],
  stored: (connectorId: string) => BacklogHeld,
  skip: { has(index: number): boolean } = new Set<number>(),
): Map<number, ClaimRefused> {
  const refused = new Map<number, ClaimRefused>();
  if (!requests.some((request) => (request.claims ?? []).length > 0)) return refused;
  const held = new Map<string, BacklogHeld>();
  const heldBy = (connectorId: string): BacklogHeld => {
    let sum = held.get(connectorId);
    if (!sum) held.set(connectorId, (sum = { ...stored(connectorId) }));
    return sum;
  };
  requests.forEach((request, index) => {
    if (skip.has(index)) return;
    const claims = request.claims ?? [];
    for (const [at, claim] of claims.entries()) {
      const scope = { messages: 0, bytes: 0 };
      for (const id of claim.connectorIds) {
        const sum = heldBy(id);
        scope.messages += sum.messages;
        scope.bytes += sum.bytes;
      }
      if (scope.messages + claim.messages > claim.maxMessages || scope.bytes + claim.bytes > claim.maxBytes) {
        refused.set(index, { claim: at, held: scope });
        return;
      }
    }
    for (const message of request.messages) {
      const sum = heldBy(message.connectorId);
      sum.messages += 1;
      sum.bytes += Buffer.byteLength(message.body) + Buffer.byteLength(message.partitionKey);
    }
  });
  return refused;
}
