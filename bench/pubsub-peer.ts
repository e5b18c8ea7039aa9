import { PubSub } from '@google-cloud/pubsub';
import { newProfileId, sampleMessage } from './message-fixture.js';

// The Pub/Sub peer: what a user's own loop gets from Google's client library against the same emulator, with what
// the host promises (each message its profile's ordering key, one publish per message as the library sends a key's,
// the same number of publishes in flight). The host's Pub/Sub rows are ratios against it.
// argv: endpoint project topic messages inFlight
const [apiEndpoint, projectId, topicId, count = '20000', inFlight = '100'] = process.argv.slice(2);
const client = new PubSub({ projectId, apiEndpoint, emulatorMode: true, universeDomain: 'googleapis.com' });
const topic = client.topic(topicId, { messageOrdering: true, batching: { maxMessages: 1, maxMilliseconds: 0 } });
const total = Number(count);
const bodies = Array.from({ length: total }, () => {
  const profileId = newProfileId();
  return { data: Buffer.from(sampleMessage(profileId)), orderingKey: profileId, attributes: { callType: 'NEW' } };
});
let next = 0;
let failed = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: Number(inFlight) }, async () => {
    while (next < bodies.length) {
      const message = bodies[next++];
      try {
        await topic.publishMessage(message);
      } catch {
        failed++;
        topic.resumePublishing(message.orderingKey);
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await client.close();
process.stdout.write(`${JSON.stringify({ records: total - failed, failed, seconds, rate: (total - failed) / seconds })}\n`);
