import type { CheckProblem } from '@event-connectors/connector-sdk';

// What check() tells a person, one small function per problem, so the wording lives in one place.

export const problems = {
  insecureUrl: (url: string, why: string): CheckProblem => ({ code: 'insecure_url', message: `The URL ${url} ${why}` }),
  // Never the addresses themselves: they would map the host's own networks for whoever saves a URL.
  addressNotAllowed: (host: string): CheckProblem => ({
    code: 'address_not_allowed',
    message: `${host} resolves to an address this service may not send to (loopback, private, link-local or reserved); an operator may allow the network`,
  }),
  dnsFailed: (host: string, code: string): CheckProblem => ({
    code: 'dns_failed',
    message: `The name ${host} could not be resolved (${code})`,
  }),
  unreachable: (url: string, code: string, message: string): CheckProblem => ({
    code: 'endpoint_unreachable',
    message: `${url} could not be reached (${code}: ${message})`,
  }),
  certificate: (url: string, code: string): CheckProblem => ({
    code: 'tls_certificate_rejected',
    message: `The certificate of ${url} was refused (${code})`,
  }),
  gone: (url: string): CheckProblem => ({
    code: 'receiver_gone',
    message: `${url} answered 410 Gone: the receiver no longer wants these webhooks`,
  }),
  receiverError: (url: string, status: number): CheckProblem => ({
    code: 'receiver_error',
    message: `${url} answered ${status}: the receiver is failing`,
  }),
};
