import { describe, expect, it } from 'vitest';
import { DOCUMENTED_EXAMPLE } from '../testing/documented-example.js';
import { ACTIVATION_MESSAGE_FIELDS } from './activation-message.js';
import type { BindingSpec, ConnectorSpec } from './binding.js';
import { buildMessages } from './build-messages.js';
import type { RoutingEvent } from './routing-event.js';

const connector: ConnectorSpec = { siteNumber: 1234, partnerNumber: 33 };

const audience: BindingSpec = {
  siteNumber: 1234,
  source: { type: 'audience', id: 'dc0beb89-2d63-4ec7-899a-6e986ed8932f', number: 123, name: 'Frequent buyers' },
  sourceName: 'some name',
  profileVariables: [{ name: 'lastCategory', property: 'last_category' }],
  properties: { custom: 'variable', another: 123 },
};

const journey: BindingSpec = {
  siteNumber: 1234,
  source: { type: 'journey', id: '0f7c2f1e-57a8-4a55-9e39-5a4c1d1e9c11', name: 'Welcome step 2' },
  profileVariables: [],
  properties: {},
};

function event(overrides: Partial<RoutingEvent> = {}): RoutingEvent {
  return {
    siteNumber: 1234,
    sourceId: audience.source.id,
    callType: 'NEW',
    timestamp: 1234567890,
    profile: {
      profileId: 'aaaabbbb-cccc-dddd-eeee-ffffffffffff',
      partnerIds: { '33': ['4'], '42': ['other-slot'] },
      properties: { last_category: '5678', city: 'Utrecht' },
    },
    ...overrides,
  };
}

describe('buildMessages', () => {
  it('reproduces the documented example exactly, in the documented key order', () => {
    const { messages, skipped } = buildMessages(event(), audience, connector);
    expect(skipped).toBeUndefined();
    expect(messages).toEqual([DOCUMENTED_EXAMPLE]);
    expect(JSON.stringify(messages[0])).toBe(JSON.stringify(DOCUMENTED_EXAMPLE));
    expect(Object.keys(messages[0])).toEqual([...ACTIVATION_MESSAGE_FIELDS]);
  });

  it("sends one message per partner id of the connector's partner number, each with a one-element partnerIds", () => {
    const twoIds = event({ profile: { ...event().profile, partnerIds: { '33': ['4', '5'], '42': ['x'] } } });
    const { messages } = buildMessages(twoIds, audience, connector);
    expect(messages.map((message) => message.partnerIds)).toEqual([['4'], ['5']]);
    expect(new Set(messages.map((message) => message.profileId))).toEqual(new Set([DOCUMENTED_EXAMPLE.profileId]));
  });

  it('sends a repeated partner id once', () => {
    const repeated = event({ profile: { ...event().profile, partnerIds: { '33': ['4', '4', '5', '4'] } } });
    expect(buildMessages(repeated, audience, connector).messages.map((message) => message.partnerIds[0])).toEqual(['4', '5']);
  });

  it("skips a profile without partner ids for the connector's partner number, never sending it empty", () => {
    const otherSlotOnly = event({ profile: { ...event().profile, partnerIds: { '42': ['x'] } } });
    expect(buildMessages(otherSlotOnly, audience, connector)).toEqual({ messages: [], skipped: 'no_partner_ids' });
    const emptySlot = event({ profile: { ...event().profile, partnerIds: { '33': [] } } });
    expect(buildMessages(emptySlot, audience, connector)).toEqual({ messages: [], skipped: 'no_partner_ids' });
  });

  it('gives a journey step a null sourceNumber, an empty sourceName and empty profileVars and data', () => {
    const { messages } = buildMessages(event({ sourceId: journey.source.id }), journey, connector);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ sourceNumber: null, sourceName: '', profileVars: {}, data: {} });
    expect(Object.keys(messages[0])).toEqual([...ACTIVATION_MESSAGE_FIELDS]);
  });

  it('sends an explicitly null sourceName as ""', () => {
    const { messages } = buildMessages(event(), { ...audience, sourceName: null }, connector);
    expect(messages[0].sourceName).toBe('');
  });

  it('maps exactly the configured variables, omitting a property the profile lacks and keeping a null one', () => {
    const binding: BindingSpec = {
      ...audience,
      profileVariables: [
        { name: 'lastCategory', property: 'last_category' },
        { name: 'town', property: 'city' },
        { name: 'missing', property: 'never_set' },
        { name: 'cleared', property: 'cleared_prop' },
      ],
    };
    const profile = { ...event().profile, properties: { last_category: '5678', city: 'Utrecht', cleared_prop: null, unmapped: 1 } };
    const { messages } = buildMessages(event({ profile }), binding, connector);
    expect(messages[0].profileVars).toEqual({ lastCategory: '5678', town: 'Utrecht', cleared: null });
    expect(Object.keys(messages[0].profileVars)).not.toContain('missing');
  });

  it('does not take a property from the object prototype', () => {
    const binding: BindingSpec = { ...audience, profileVariables: [{ name: 'proto', property: 'toString' }] };
    expect(buildMessages(event(), binding, connector).messages[0].profileVars).toEqual({});
  });

  it("copies the event's timestamp, site number and call type, and the connector's partner number", () => {
    for (const callType of ['NEW', 'REMOVED'] as const) {
      const { messages } = buildMessages(event({ callType, timestamp: 1764338400123 }), audience, connector);
      expect(messages[0]).toMatchObject({ callType, timestamp: 1764338400123, siteNumber: 1234, partnerNumber: 33 });
    }
  });

  describe('MODIFIED', () => {
    it('reaches the binding when changedProperties is absent', () => {
      expect(buildMessages(event({ callType: 'MODIFIED' }), audience, connector).messages).toHaveLength(1);
    });

    it('reaches the binding when changedProperties names a mapped property', () => {
      const modified = event({ callType: 'MODIFIED', changedProperties: ['city', 'last_category'] });
      expect(buildMessages(modified, audience, connector).messages[0].callType).toBe('MODIFIED');
    });

    it('is skipped when changedProperties names none of the mapped properties (or is empty)', () => {
      for (const changedProperties of [['city'], []]) {
        const modified = event({ callType: 'MODIFIED', changedProperties });
        expect(buildMessages(modified, audience, connector)).toEqual({ messages: [], skipped: 'unmapped_change' });
      }
    });

    it('is skipped for a binding that maps no variables when changedProperties is given', () => {
      const modified = event({ callType: 'MODIFIED', sourceId: journey.source.id, changedProperties: ['city'] });
      expect(buildMessages(modified, journey, connector).skipped).toBe('unmapped_change');
    });

    it('matches on the profile property, not on the variable name', () => {
      const modified = event({ callType: 'MODIFIED', changedProperties: ['lastCategory'] });
      expect(buildMessages(modified, audience, connector).skipped).toBe('unmapped_change');
    });

    it('does not filter NEW or REMOVED by changedProperties', () => {
      for (const callType of ['NEW', 'REMOVED'] as const) {
        expect(buildMessages(event({ callType, changedProperties: ['city'] }), audience, connector).messages).toHaveLength(1);
      }
    });
  });

  it('refuses an event of another site, whatever the binding says', () => {
    expect(buildMessages(event({ siteNumber: 999 }), audience, connector).skipped).toBe('other_site');
    expect(buildMessages(event(), audience, { ...connector, siteNumber: 999 }).skipped).toBe('other_site');
  });

  it('refuses an event of another source', () => {
    expect(buildMessages(event({ sourceId: journey.source.id }), audience, connector).skipped).toBe('other_source');
  });

  it("gives each message its own objects, and does not alias the binding's", () => {
    const twoIds = event({ profile: { ...event().profile, partnerIds: { '33': ['4', '5'] } } });
    const [first, second] = buildMessages(twoIds, audience, connector).messages;
    first.data.custom = 'changed';
    first.profileVars.lastCategory = 'changed';
    expect(second.data.custom).toBe('variable');
    expect(second.profileVars.lastCategory).toBe('5678');
    expect(audience.properties.custom).toBe('variable');
  });

  it('is pure: the same input gives the same output and the input is left untouched', () => {
    const input = event();
    const snapshot = structuredClone(input);
    expect(buildMessages(input, audience, connector)).toEqual(buildMessages(input, audience, connector));
    expect(input).toEqual(snapshot);
  });
});
