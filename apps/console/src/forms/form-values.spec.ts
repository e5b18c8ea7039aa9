import { describe, expect, it } from 'vitest';
import { bodyOf, labelOf, valueAt, withValue } from './form-values.js';

describe('form values', () => {
  it('sets and reads nested values without touching the ones before', () => {
    const before = { name: 'Acme', settings: { region: 'eu-west-1' } };
    const after = withValue(before, ['settings', 'streamName'], 'orders');
    expect(after).toEqual({ name: 'Acme', settings: { region: 'eu-west-1', streamName: 'orders' } });
    expect(before.settings).toEqual({ region: 'eu-west-1' });
    expect(valueAt(after, ['settings', 'streamName'])).toBe('orders');
    expect(valueAt(after, ['nothing', 'here'])).toBeUndefined();
  });

  it('sends what was typed: empty fields left out, map rows as an object, numbers as numbers', () => {
    const typed = {
      name: 'Acme',
      partnerNumber: 33,
      settings: {
        url: 'https://x.example',
        previousSigningSecret: '',
        headers: [
          ['X-A', '1'],
          ['', ''],
        ],
        empty: {},
      },
    };
    expect(bodyOf(typed)).toEqual({ name: 'Acme', partnerNumber: 33, settings: { url: 'https://x.example', headers: { 'X-A': '1' } } });
    expect(bodyOf({ settings: { headers: [['', '']] } })).toEqual({});
  });

  it('labels a choice from its value', () => {
    expect([labelOf('accessKeys'), labelOf('assumeRole'), labelOf('dead_lettered')]).toEqual([
      'Access keys',
      'Assume role',
      'Dead lettered',
    ]);
  });
});
