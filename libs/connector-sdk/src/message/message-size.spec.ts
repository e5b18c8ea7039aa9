import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BindingSpec, ConnectorSpec } from './binding.js';
import { buildMessages } from './build-messages.js';
import { messageSizes } from './message-size.js';
import type { RoutingEvent } from './routing-event.js';

const SOURCE = 'dc0beb89-2d63-4ec7-899a-6e986ed8932f';
// Any text: control characters, quotes, backslashes, astral and lone surrogates all change how JSON escapes it.
const text = (max: number) => fc.string({ unit: 'binary', maxLength: max });
const scalar = fc.oneof(text(40), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null));
const names = fc.constantFrom('a', 'b', 'lastCategory', '1', '10', 'ü', '__proto__', 'constructor');

const cases = fc.record({
  profileId: text(30).filter((id) => id.length > 0),
  callType: fc.constantFrom('NEW' as const, 'MODIFIED' as const, 'REMOVED' as const),
  timestamp: fc.integer({ min: 0, max: 8_640_000_000_000 }),
  siteNumber: fc.integer({ min: 1, max: 2_147_483_647 }),
  partnerNumber: fc.integer({ min: 1, max: 99_999 }),
  partnerIds: fc.array(
    text(20).filter((id) => id.length > 0),
    { maxLength: 5 },
  ),
  properties: fc.dictionary(names, scalar, { maxKeys: 6 }),
  variables: fc.array(fc.record({ name: names, property: names }), { maxLength: 10 }),
  sourceName: fc.option(text(30)),
  source: fc.oneof(
    fc.record({ type: fc.constant('audience' as const), number: fc.integer({ min: 1, max: 2_147_483_647 }) }),
    fc.constant({ type: 'journey' as const }),
  ),
  data: fc.dictionary(text(8), fc.oneof(text(20), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxKeys: 4 }),
});

describe('messageSizes', () => {
  it('is the UTF-8 size of each message buildMessages builds, for any event and binding', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const connector: ConnectorSpec = { siteNumber: c.siteNumber, partnerNumber: c.partnerNumber };
        const binding: BindingSpec = {
          siteNumber: c.siteNumber,
          source: c.source.type === 'audience' ? { ...c.source, id: SOURCE, name: 'A' } : { type: 'journey', id: SOURCE, name: 'J' },
          sourceName: c.sourceName,
          profileVariables: c.variables,
          properties: c.data,
        };
        const event: RoutingEvent = {
          siteNumber: c.siteNumber,
          sourceId: SOURCE,
          callType: c.callType,
          timestamp: c.timestamp,
          profile: { profileId: c.profileId, partnerIds: { [String(c.partnerNumber)]: c.partnerIds }, properties: c.properties },
        };
        const built = buildMessages(event, binding, connector);
        const sized = messageSizes(event, binding, connector);
        expect(sized.skipped).toBe(built.skipped);
        if (sized.skipped) return;
        expect(sized.bytes).toEqual(built.messages.map((message) => Buffer.byteLength(JSON.stringify(message), 'utf8')));
        expect(sized.partnerIds).toEqual(built.messages.map((message) => message.partnerIds[0]));
      }),
      { numRuns: 2000 },
    );
  });

  it('counts a large property mapped by many variables without building any message', () => {
    const value = 'é'.repeat(65_536);
    const binding: BindingSpec = {
      siteNumber: 7,
      source: { type: 'journey', id: SOURCE, name: 'J' },
      profileVariables: Array.from({ length: 10 }, (_, index) => ({ name: `v${index}`, property: 'big' })),
      properties: {},
    };
    const event: RoutingEvent = {
      siteNumber: 7,
      sourceId: SOURCE,
      callType: 'NEW',
      timestamp: 1,
      profile: {
        profileId: 'p',
        partnerIds: { '33': Array.from({ length: 100 }, (_, index) => String(index)) },
        properties: { big: value },
      },
    };
    const sized = messageSizes(event, binding, { siteNumber: 7, partnerNumber: 33 });
    if (sized.skipped) throw new Error('skipped');
    expect(sized.bytes).toHaveLength(100);
    // Each message carries the 128 KiB value ten times: 100 messages of over 1.25 MiB, about 128 MiB in all.
    expect(sized.bytes[0]).toBeGreaterThan(10 * 131_072);
    expect(sized.bytes.reduce((sum, size) => sum + size, 0)).toBeGreaterThan(128 * 1_000_000);
  });
});
