import { skipUnless } from '@event-connectors/connector-sdk/testing';
import { type EmulatorSubscription, PubSubEmulator, type PulledMessage } from '@event-connectors/pubsub-connector/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { freeFixedPort } from '../support/free-port.js';
import { deliveredCount, verdictLine } from './support/fault-host.js';
import { PUBSUB_PROJECT, PUBSUB_SOURCE_ID, PubSubFaultKit } from './support/pubsub-fault-kit.js';
import { loadThroughOutage, loadWithKills } from './support/scenario-loads.js';
import { drainedSubscription, repeatsWithNewIds } from './support/subscription-drain.js';
import { formatTable, judge, type Verdict } from './support/verdict.js';

// The fault scenarios of the Pub/Sub connector, as the webhook's: the built host in its own process with
// CONNECTORS=pubsub, the load generator posting like the platform, Google's own Pub/Sub emulator (started here) as
// the destination, a fault; then an ordered subscription is pulled (and acknowledged, as a consumer does) and
// compared with what the host accepted. Where the emulator is absent the suite is skipped, and the run's summary
// line says why. (A stalled Pub/Sub destination beside another tenant: pubsub-stall.fault.spec.ts.)

const verdicts: Verdict[] = [];
const kit = new PubSubFaultKit();

afterAll(async () => {
  if (verdicts.length > 0)
    console.log(
      `\nPub/Sub fault suite (missing, duplicates and order are counted on the messages pulled from an ordered subscription)\n${formatTable(verdicts)}\n`,
    );
  await kit.cleanUp();
});

/** The topic and its ordered subscription (what a restarted emulator, which keeps no state, needs again). */
async function topicWithReader(emulator: PubSubEmulator, topicId: string): Promise<EmulatorSubscription> {
  await emulator.createTopic(PUBSUB_PROJECT, topicId);
  return emulator.createOrderedSubscription(PUBSUB_PROJECT, topicId, `${topicId}-reader`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(verdict: Verdict): Verdict {
  verdicts.push(verdict);
  console.log(verdictLine(verdict));
  return verdict;
}

describe.sequential(
  'Pub/Sub fault suite',
  { timeout: 180_000, ...skipUnless(PubSubEmulator.available(), 'Pub/Sub emulator absent') },
  () => {
    it('pubsub: kill -9 of the host three times under load: nothing lost, order kept, every repeat carries its first connectorMessageId', async () => {
      const emulator = await kit.startEmulator();
      const reader = await topicWithReader(emulator, 'fault-kill9');
      const host = await kit.startHost();
      const connectorId = await kit.connectPubSub(host, emulator, 'fault-kill9');
      const load = await loadWithKills(host, PUBSUB_SOURCE_ID, 3600, [900, 1800, 2700]);
      const { kills } = load;
      const { records, seconds } = await drainedSubscription(() => reader, load.accepted);
      // Written with the settlements: after three kills each delivery counts at least once, at most as often as published.
      const delivered = await deliveredCount(host, connectorId, load.accepted.length);
      await host.kill('SIGTERM');
      await emulator.stop();
      const newIds = repeatsWithNewIds(records);
      const verdict = record(
        judge(
          'pubsub: kill -9 x3 under load',
          load.accepted,
          records,
          seconds,
          `${kills} kills, ${load.retries} requests retried, ${newIds} repeats with a new connectorMessageId, stats count ${delivered} delivered`,
        ),
      );
      expect(kills).toBe(3);
      expect(verdict.accepted).toBe(3600);
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
      expect(newIds).toBe(0);
      expect(delivered).toBeGreaterThanOrEqual(3600);
      expect(delivered).toBeLessThanOrEqual(records.length);
    });

    it('pubsub: emulator down for 30 s, then back on the same port: nothing lost, order kept, readiness unaffected', async () => {
      const topicId = 'fault-outage';
      const port = await freeFixedPort();
      let emulator = await kit.startEmulator(port);
      let reader = await topicWithReader(emulator, topicId);
      const host = await kit.startHost();
      await kit.connectPubSub(host, emulator, topicId);
      // The emulator keeps no state: what it holds unpulled when it stops is gone, and a restarted one has neither the
      // topic nor the subscription (Pub/Sub itself keeps both). So the host is frozen (SIGSTOP) for the two moments the
      // emulator's state is handled: before the stop, until the publishes already sent are answered and pulled; after
      // the restart, until the topic and the subscription exist again. Everything else of the outage is real.
      let pulledBeforeStop: PulledMessage[] = [];
      let frozenMs = 0;
      const frozen = async (step: () => Promise<void>) => {
        const at = Date.now();
        host.signal('SIGSTOP');
        try {
          await step();
        } finally {
          host.signal('SIGCONT');
          frozenMs += Date.now() - at;
        }
      };
      const load = await loadThroughOutage(host, PUBSUB_SOURCE_ID, 3000, {
        stop: () =>
          frozen(async () => {
            await sleep(1000); // the publishes in flight are answered (or not) by the emulator
            pulledBeforeStop = await reader.drain();
            await emulator.stop();
          }),
        restore: () =>
          frozen(async () => {
            emulator = await kit.startEmulator(port);
            reader = await topicWithReader(emulator, topicId);
          }),
      });
      const { probes, notReady } = load;
      const { records } = await drainedSubscription(() => reader, load.accepted, pulledBeforeStop);
      const recovery = (Date.now() - load.restoredAt) / 1000;
      await host.kill('SIGTERM');
      await emulator.stop();
      const newIds = repeatsWithNewIds(records);
      const verdict = record(
        judge(
          'pubsub: emulator down 30 s, restarted',
          load.accepted,
          records,
          recovery,
          `ready ${probes - notReady}/${probes} probes during the outage, ${pulledBeforeStop.length} pulled before the stop (the emulator keeps no state), host frozen ${(frozenMs / 1000).toFixed(1)} s around the stop and the topic's re-creation, ${newIds} repeats with a new connectorMessageId`,
        ),
      );
      expect(probes).toBeGreaterThan(10);
      expect(notReady).toBe(0);
      expect(verdict.missing).toBe(0);
      expect(verdict.orderViolations).toBe(0);
      expect(newIds).toBe(0);
    });
  },
);
