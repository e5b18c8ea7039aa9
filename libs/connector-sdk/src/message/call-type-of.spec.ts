import { describe, expect, it } from 'vitest';
import { DOCUMENTED_EXAMPLE } from '../testing/documented-example.js';
import { CALL_TYPES } from './activation-message.js';
import { buildMessages } from './build-messages.js';
import { callTypeOf } from './call-type-of.js';

describe('callTypeOf', () => {
  it('reads the call type of every serialized message the builder makes', () => {
    for (const callType of CALL_TYPES) {
      const { messages } = buildMessages(
        {
          siteNumber: 1234,
          sourceId: DOCUMENTED_EXAMPLE.sourceId,
          callType,
          timestamp: 1,
          profile: { profileId: 'p-1', partnerIds: { '33': ['4'] }, properties: { city: 'x' } },
        },
        {
          siteNumber: 1234,
          source: { type: 'journey', id: DOCUMENTED_EXAMPLE.sourceId, name: 'step' },
          profileVariables: [],
          properties: {},
        },
        { siteNumber: 1234, partnerNumber: 33 },
      );
      expect(callTypeOf(JSON.stringify(messages[0]))).toBe(callType);
    }
  });

  it('is not fooled by a profile id, variable or property that holds "callType":"REMOVED"', () => {
    const message = {
      ...DOCUMENTED_EXAMPLE,
      profileId: '"callType":"REMOVED"',
      callType: 'NEW',
      profileVars: { callType: 'REMOVED' },
      data: { callType: 'REMOVED' },
    };
    expect(callTypeOf(JSON.stringify(message))).toBe('NEW');
  });

  it('is undefined for text that is not an activation message', () => {
    expect(callTypeOf('{"a":1}')).toBeUndefined();
    expect(callTypeOf('{"callType":"DELETED"}')).toBeUndefined();
    expect(callTypeOf('')).toBeUndefined();
  });
});
