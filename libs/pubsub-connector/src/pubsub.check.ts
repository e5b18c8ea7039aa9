import type { CheckProblem, CheckResult } from '@event-connectors/connector-sdk';
import type { Publisher } from './pubsub.client.js';
import { errorRow, statusOf, wordsOf } from './pubsub.errors.js';
import { problems } from './pubsub.problems.js';

/**
 * Whether the set-up can publish now. Against Google: IAM's answer for the topic says whether the key may publish to
 * it, without publishing anything; IAM answers a topic that does not exist with no permission rather than NOT_FOUND,
 * so both are named together. An emulator has no IAM: that the topic exists is all it can tell.
 */
export async function checkPublisher(publisher: Publisher): Promise<CheckResult> {
  const { topicName } = publisher;
  const details: CheckResult['details'] = { topic: topicName, endpoint: publisher.endpoint, account: publisher.account };
  const started = performance.now();
  try {
    if (publisher.emulator) await publisher.readTopic();
    else if (!(await publisher.mayPublish()))
      return { ok: false, problem: problems.missingOrDenied(topicName, publisher.account), details };
    return { ok: true, details: { ...details, latencyMs: Math.round(performance.now() - started) } };
  } catch (error) {
    return { ok: false, problem: problemOf(error, publisher), details };
  }
}

/** The named problem of a failed check, from the same table as delivery's outcomes. */
function problemOf(error: unknown, publisher: Publisher): CheckProblem {
  const status = statusOf(error);
  const detail = wordsOf(error);
  switch (errorRow(status).problem) {
    case 'topicNotFound':
      return problems.topicNotFound(publisher.topicName);
    case 'permissionDenied':
      return problems.permissionDenied(publisher.topicName, publisher.account);
    case 'invalidCredentials':
      return problems.invalidCredentials(publisher.account, detail);
    case 'unreachable':
      return problems.unreachable(publisher.endpoint, `${status}: ${detail}`);
    default:
      return problems.unexpected(status, detail);
  }
}
