import { describe, expect, it } from 'vitest';
import { checkPublisher } from './pubsub.check.js';
import { holdsPublish, type Publisher } from './pubsub.client.js';

// Google's IAM cannot run here (the emulator has none, and there is no network to Google): this hand-written publisher
// answers as Google's documentation says IAM does (testIamPermissions returns the part of the permissions asked about
// that the caller holds), the one place this suite stands in for a peer.
const TOPIC = 'projects/acme/topics/activations';
const ACCOUNT = 'writer@acme.iam.gserviceaccount.com';
const publisherAnswering = (permissions: string[]): Publisher => ({
  topicName: TOPIC,
  publish: () => Promise.reject(new Error('not called by check()')),
  readTopic: () => Promise.reject(new Error('not called against Google')),
  mayPublish: () => Promise.resolve(holdsPublish({ permissions })),
  close: () => Promise.resolve(),
  endpoint: 'pubsub.googleapis.com:443',
  account: ACCOUNT,
  emulator: false,
});

describe('check() against Google', () => {
  it('passes when the key may publish to the topic', async () => {
    const check = await checkPublisher(publisherAnswering(['pubsub.topics.publish']));
    expect(check).toMatchObject({ ok: true, details: { topic: TOPIC, account: ACCOUNT } });
  });

  it('names a topic that is missing or closed to the key together: IAM answers both with no permission', async () => {
    const check = await checkPublisher(publisherAnswering([]));
    expect(check.ok).toBe(false);
    expect(check.problem?.code).toBe('permission_denied');
    expect(check.problem?.message).toContain('or it does not exist: check the project ID and topic ID');
  });

  it("reads IAM's answer as the permissions held: an empty or absent list is no permission", () => {
    expect(holdsPublish({ permissions: ['pubsub.topics.publish'] })).toBe(true);
    expect(holdsPublish({ permissions: ['pubsub.topics.get'] })).toBe(false);
    expect(holdsPublish({ permissions: null })).toBe(false);
    expect(holdsPublish({})).toBe(false);
  });
});
