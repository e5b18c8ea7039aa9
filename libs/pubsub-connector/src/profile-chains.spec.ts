import { describe, expect, it } from 'vitest';
import { profileChains } from './profile-chains.js';

const message = (partitionKey: string, id: string) => ({ id, partitionKey, body: '{}' });

describe('profileChains', () => {
  it("groups a call's messages by profile, each chain in the call's order, chains in order of first appearance", () => {
    const messages = [message('a', '1'), message('b', '2'), message('a', '3'), message('c', '4'), message('a', '5'), message('b', '6')];
    expect(profileChains(messages)).toEqual([[0, 2, 4], [1, 5], [3]]);
  });

  it('gives a chain of one to each profile of a call that has one message per profile (what the host hands)', () => {
    expect(profileChains([message('a', '1'), message('b', '2')])).toEqual([[0], [1]]);
    expect(profileChains([])).toEqual([]);
  });
});
