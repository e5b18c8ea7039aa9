import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../settings/validate-settings.js';
import { runConnectorContract } from '../connector-contract.js';
import { FakeDestinations } from './fake-destination.js';
import { FakeConnector } from './fake.connector.js';

const destinations = new FakeDestinations();
destinations.get('unreachable').failWith({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
destinations
  .get('unreachable')
  .answerCheck({ ok: false, problem: { code: 'endpoint_unreachable', message: 'nothing listens there' }, details: {} });
const connector = () => new FakeConnector({ destinations });

// The fake keeps the contract every connector keeps, so host tests that use it test the host, not a looser peer.
runConnectorContract({
  live: { connector, settings: () => ({ destination: 'live', token: 'live-token' }) },
  unreachable: { connector, settings: () => ({ destination: 'unreachable', token: 'live-token' }) },
  readBack: async (settings, key) => destinations.get(settings.destination as string).bodiesFor(key),
});

describe('FakeConnector', () => {
  const open = (destination: string, token = 'a-good-token') => {
    const validation = validateSettings(connector(), { destination, token });
    if (!validation.ok) throw new Error(JSON.stringify(validation.errors));
    return connector().open({ id: 'x', settings: validation.settings });
  };

  it('answers each message as scripted, and records what it took', async () => {
    destinations
      .get('scripted')
      .answerWith((message) =>
        message.partitionKey === 'bad' ? { status: 'rejected', reason: { code: 'TooLarge', message: 'no' } } : undefined,
      );
    const outcomes = await open('scripted').deliver([
      { id: '1', partitionKey: 'good', body: '1' },
      { id: '2', partitionKey: 'bad', body: '2' },
    ]);
    expect(outcomes).toEqual([
      { status: 'delivered', receipt: { destination: 'scripted', position: '1' } },
      { status: 'rejected', reason: { code: 'TooLarge', message: 'no' } },
    ]);
    expect(destinations.get('scripted').received.map((message) => message.id)).toEqual(['1']);
    expect(destinations.get('scripted').offered).toHaveLength(2);
  });

  it('refuses a wrong token as a problem of the set-up, in check() and in deliver()', async () => {
    destinations.get('guarded').expectedToken = 'the-right-token';
    expect((await open('guarded', 'the-wrong-token').check()).problem?.code).toBe('credentials_rejected');
    expect(await open('guarded', 'the-wrong-token').deliver([{ id: '1', partitionKey: 'k', body: '{}' }])).toEqual([
      { status: 'rejected', reason: { code: 'Unauthorized', message: 'the token was refused', scope: 'destination' } },
    ]);
    expect((await open('guarded', 'the-right-token').check()).ok).toBe(true);
  });

  it('marks its token write-only and validates its form', () => {
    expect(validateSettings(connector(), { destination: 'Not OK', token: 'short' })).toMatchObject({
      ok: false,
      errors: [
        { field: 'settings.destination', message: expect.stringMatching(/lower-case/) },
        { field: 'settings.token', message: 'token must be at least 8 characters' },
      ],
    });
  });
});
