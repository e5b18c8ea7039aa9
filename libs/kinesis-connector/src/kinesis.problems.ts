import type { CheckProblem } from '@event-connectors/connector-sdk';

// What check() tells a person, one small function per problem, so the wording lives in one place.

export const problems = {
  credentialsRejected: (code: string): CheckProblem => ({
    code: 'credentials_rejected',
    message: `AWS rejected the access key or secret key (${code}): check both keys of this connector`,
  }),
  accessDenied: (stream: string): CheckProblem => ({
    code: 'access_denied',
    message: `The access key is valid but may not use stream "${stream}": grant kinesis:DescribeStreamSummary and kinesis:PutRecords`,
  }),
  streamNotFound: (stream: string, region: string): CheckProblem => ({
    code: 'stream_not_found',
    message: `Stream "${stream}" was not found in region ${region}`,
  }),
  streamNotActive: (stream: string, status: string): CheckProblem => ({
    code: 'stream_not_active',
    message: `Stream "${stream}" is ${status}, not ACTIVE: it cannot take records now`,
  }),
  regionMismatch: (stream: string, configured: string, actual: string): CheckProblem => ({
    code: 'region_mismatch',
    message: `Stream "${stream}" answered from region ${actual}, but the connector is set to ${configured}`,
  }),
  endpointUnreachable: (code: string, endpoint: string): CheckProblem => ({
    code: 'endpoint_unreachable',
    message: `The Kinesis endpoint ${endpoint} could not be reached (${code})`,
  }),
  unexpected: (code: string, message: string): CheckProblem => ({
    code: 'unexpected_error',
    message: `Kinesis answered ${code}: ${message}`,
  }),
};
