import { randomUUID } from 'node:crypto';

/** A message as the host would send it: the documented JSON, about 330 bytes. */
export function sampleMessage(profileId: string, timestamp = Date.now()): string {
  return JSON.stringify({
    profileId,
    sourceId: 'dc0beb89-2d63-4ec7-899a-6e986ed8932f',
    partnerNumber: 33,
    callType: 'NEW',
    partnerIds: ['4'],
    profileVars: { lastCategory: '5678' },
    timestamp,
    siteNumber: 1234,
    sourceName: 'some name',
    sourceNumber: 123,
    data: { custom: 'variable', another: 123 },
  });
}

export const SOURCE_ID = 'dc0beb89-2d63-4ec7-899a-6e986ed8932f';

/** The audience of the bench's connector number `index`: SOURCE_ID for the first, then a UUID made of the index. */
export function sourceIdOf(index: number): string {
  return index === 0 ? SOURCE_ID : `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}
export const newProfileId = () => randomUUID();
