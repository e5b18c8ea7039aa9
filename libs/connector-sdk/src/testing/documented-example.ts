/** The example payload of the product documentation, field for field: what every test compares messages with. */
export const DOCUMENTED_EXAMPLE = {
  profileId: 'aaaabbbb-cccc-dddd-eeee-ffffffffffff',
  sourceId: 'dc0beb89-2d63-4ec7-899a-6e986ed8932f',
  partnerNumber: 33,
  callType: 'NEW',
  partnerIds: ['4'],
  profileVars: { lastCategory: '5678' },
  timestamp: 1234567890,
  siteNumber: 1234,
  sourceName: 'some name',
  sourceNumber: 123,
  data: { custom: 'variable', another: 123 },
} as const;
