import { describe, expect, it } from 'vitest';
import { deliveryPolicyProblems, deliveryPolicyView, effectiveDeliveryPolicy } from './delivery-policy.js';

const HOST = { maxMessageAgeMs: 86_400_000, retryBaseMs: 200, retryMaxMs: 30_000, maxInFlight: 4 };

describe('delivery policy', () => {
  it("resolves the tenant's choices, the host's values for the rest", () => {
    expect(effectiveDeliveryPolicy(null, HOST)).toEqual({
      maxMessageAgeMs: 86_400_000,
      retryBaseMs: 200,
      retryMaxMs: 30_000,
      maxRecordsPerCall: null,
      maxInFlight: 4,
    });
    expect(
      effectiveDeliveryPolicy(JSON.stringify({ maxMessageAgeSeconds: 60, retryFirstDelayMs: 1000, maxCallsInFlight: 1 }), HOST),
    ).toEqual({
      maxMessageAgeMs: 60_000,
      retryBaseMs: 1000,
      retryMaxMs: 30_000,
      maxRecordsPerCall: null,
      maxInFlight: 1,
    });
    // A first delay past the host's longest: the longest is the first (never a schedule that shrinks).
    expect(effectiveDeliveryPolicy(JSON.stringify({ retryFirstDelayMs: 60_000 }), HOST).retryMaxMs).toBe(60_000);
    // Stored under a host that allowed more: today's bounds win, field by field.
    expect(
      effectiveDeliveryPolicy(
        JSON.stringify({ maxCallsInFlight: 8, maxMessageAgeSeconds: 200_000, retryFirstDelayMs: 50, retryMaxDelayMs: 1000 }),
        HOST,
      ),
    ).toEqual({ maxMessageAgeMs: 86_400_000, retryBaseMs: 200, retryMaxMs: 30_000, maxRecordsPerCall: null, maxInFlight: 4 });
    // A stored value that is not a policy (edited by hand, written badly) is the host's values, never a crashed loop.
    for (const stored of ['not json', 'null', '[1]', JSON.stringify({ maxCallsInFlight: 'two', maxRecordsPerCall: -3 })])
      expect(effectiveDeliveryPolicy(stored, HOST)).toEqual(effectiveDeliveryPolicy(null, HOST));
    expect(deliveryPolicyView(JSON.stringify({ maxRecordsPerCall: 10 }), HOST)).toEqual({
      maxMessageAgeSeconds: 86_400,
      retryFirstDelayMs: 200,
      retryMaxDelayMs: 30_000,
      maxRecordsPerCall: 10,
      maxCallsInFlight: 4,
    });
  });

  it('names every field past the host bounds, and none within them', () => {
    expect(
      deliveryPolicyProblems(
        { maxMessageAgeSeconds: 86_400, retryFirstDelayMs: 200, retryMaxDelayMs: 30_000, maxRecordsPerCall: null, maxCallsInFlight: 4 },
        HOST,
      ),
    ).toEqual([]);
    expect(
      deliveryPolicyProblems(
        { maxMessageAgeSeconds: 86_401, retryFirstDelayMs: 199, retryMaxDelayMs: 100, maxRecordsPerCall: 10_001, maxCallsInFlight: 0 },
        HOST,
      ).map((problem) => problem.field),
    ).toEqual([
      'deliveryPolicy.maxMessageAgeSeconds',
      'deliveryPolicy.retryFirstDelayMs',
      'deliveryPolicy.retryMaxDelayMs',
      'deliveryPolicy.maxRecordsPerCall',
      'deliveryPolicy.maxCallsInFlight',
    ]);
    // A longest retry shorter than the host's would retry faster than the host allows.
    expect(deliveryPolicyProblems({ retryMaxDelayMs: 29_999 }, HOST).map((problem) => problem.field)).toEqual([
      'deliveryPolicy.retryMaxDelayMs',
    ]);
    expect(deliveryPolicyProblems({ maxCallsInFlight: 2.5 }, HOST)[0].message).toBe(
      "maxCallsInFlight must be an integer from 1 to 4 (the host's DELIVERY_MAX_IN_FLIGHT)",
    );
  });
});
