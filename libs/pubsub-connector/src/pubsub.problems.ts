import type { CheckProblem } from '@event-connectors/connector-sdk';

// What check() tells a person, one small function per problem, so the wording lives in one place.

export const problems = {
  topicNotFound: (topic: string): CheckProblem => ({
    code: 'topic_not_found',
    message: `Topic ${topic} was not found: create it, or correct the project ID and topic ID`,
  }),
  permissionDenied: (topic: string, account: string): CheckProblem => ({
    code: 'permission_denied',
    message: `${account} may not publish to ${topic}: grant it the role Pub/Sub Publisher (pubsub.topics.publish) on the topic`,
  }),
  // IAM's answer for a topic that does not exist is the same as for one the key may not publish to.
  missingOrDenied: (topic: string, account: string): CheckProblem => ({
    code: 'permission_denied',
    message: `${account} may not publish to ${topic}, or it does not exist: check the project ID and topic ID, and grant the role Pub/Sub Publisher (pubsub.topics.publish) on the topic`,
  }),
  invalidCredentials: (account: string, detail: string): CheckProblem => ({
    code: 'invalid_credentials',
    message: `Google refused the key of ${account} (${detail}): it may be deleted or disabled; create a new key and save it here`,
  }),
  // A stored key this version cannot read (the form checks keys when they are saved).
  keyUnusable: (detail: string): CheckProblem => ({
    code: 'invalid_credentials',
    message: `${detail}: save the key file again`,
  }),
  unreachable: (endpoint: string, detail: string): CheckProblem => ({
    code: 'unreachable',
    message: `Pub/Sub at ${endpoint} could not be reached (${detail})`,
  }),
  emulatorNotAllowed: (endpoint: string): CheckProblem => ({
    code: 'emulator_not_allowed',
    message: `This deployment allows no Pub/Sub emulator, and the set-up names one (${endpoint}): remove emulatorEndpoint and give a service account key`,
  }),
  // The host's own fault (its installation), not the set-up's: nothing the tenant can change.
  clientUnavailable: (detail: string): CheckProblem => ({
    code: 'unexpected_error',
    message: `This host could not load Google's Pub/Sub client (${detail}): the set-up is kept; tell the operator`,
  }),
  unexpected: (status: string, detail: string): CheckProblem => ({
    code: 'unexpected_error',
    message: `Pub/Sub answered ${status}: ${detail}`,
  }),
};
