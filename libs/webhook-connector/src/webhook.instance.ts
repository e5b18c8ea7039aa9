import type {
  CheckResult,
  ConnectorInstance,
  ConnectorSetup,
  DeliveryLimits,
  DeliveryMessage,
  DeliveryOutcome,
  DeliverOptions,
} from '@event-connectors/connector-sdk';
import { timedOutOutcome } from '@event-connectors/connector-sdk';
import pLimit, { type LimitFunction } from 'p-limit';
import type { AddressPolicy } from './address-policy.js';
import { longestCallMs, type ResolvedWebhookOptions } from './webhook-connector.options.js';
import { outcomeOfAnswer, outcomeOfError, TRANSPORT_VERDICTS } from './webhook.outcomes.js';
import { problems } from './webhook.problems.js';
import type { WebhookSettings } from './webhook.settings.js';
import { secretKey, signatureHeaders, webhookId } from './webhook-signature.js';
import { asTransportError, type HttpAnswer, WebhookTransport } from './webhook-transport.js';

const USER_AGENT = 'event-connectors-webhook/0.1';
/** A request body may be this large; larger messages are refused without being sent. */
const MAX_BATCH_BYTES = 5 * 1024 * 1024;

/** One webhook set-up: its URL, its signing keys, its keep-alive connection pool. */
export class WebhookInstance implements ConnectorInstance {
  readonly limits: DeliveryLimits;
  private readonly url: URL;
  private readonly keys: Buffer[];
  private readonly transport: WebhookTransport;
  /** Why this URL's scheme is refused, if it is: fixed for the instance's life, so worked out once. */
  private readonly schemeProblem: string | undefined;
  /** Requests in flight for this set-up, across every `deliver` call the host has in flight. */
  private readonly requests: LimitFunction;

  constructor(
    private readonly setup: ConnectorSetup<WebhookSettings>,
    private readonly options: ResolvedWebhookOptions,
    private readonly policy: AddressPolicy,
  ) {
    const { settings } = setup;
    this.url = new URL(settings.url);
    this.schemeProblem = policy.schemeProblem(this.url);
    // The current secret first, then the one being rotated out: receivers try each signature until one matches.
    this.keys = [settings.signingSecret, settings.previousSigningSecret].flatMap((secret) => (secret ? [secretKey(secret)!] : []));
    this.limits = { maxBatchMessages: options.maxBatchMessages, maxBatchBytes: MAX_BATCH_BYTES, maxCallMs: longestCallMs(options) };
    this.transport = new WebhookTransport(this.url, policy.agentFor(this.url, options.maxConcurrentRequests), options);
    this.requests = pLimit(options.maxConcurrentRequests);
  }

  async check(): Promise<CheckResult> {
    const url = this.url.href;
    if (this.schemeProblem) return { ok: false, problem: problems.insecureUrl(url, this.schemeProblem), details: {} };
    let resolution;
    try {
      resolution = await this.policy.resolve(this.url);
    } catch (error) {
      return { ok: false, problem: problems.dnsFailed(this.url.hostname, (error as { code?: string }).code ?? 'ENOTFOUND'), details: {} };
    }
    if (resolution.refused.length > 0) return { ok: false, problem: problems.addressNotAllowed(this.url.hostname), details: {} };
    const details: CheckResult['details'] = { addresses: resolution.addresses.join(', ') };
    const started = performance.now();
    try {
      // HEAD (or OPTIONS where HEAD is not served) reaches the receiver without sending it any data.
      let method: 'HEAD' | 'OPTIONS' = 'HEAD';
      let answer: HttpAnswer = await this.transport.send(method, this.baseHeaders());
      if (answer.status === 405 || answer.status === 501) answer = await this.transport.send((method = 'OPTIONS'), this.baseHeaders());
      Object.assign(details, { method, status: answer.status, latencyMs: Math.round(performance.now() - started) });
      if (answer.status === 410) return { ok: false, problem: problems.gone(url), details };
      if (answer.status >= 500) return { ok: false, problem: problems.receiverError(url, answer.status), details };
      return { ok: true, details };
    } catch (error) {
      const failure = asTransportError(error);
      if (failure.code === 'AddressNotAllowed') return { ok: false, problem: problems.addressNotAllowed(this.url.hostname), details: {} };
      const certificate = TRANSPORT_VERDICTS[failure.code]?.scope === 'destination';
      return {
        ok: false,
        problem: certificate ? problems.certificate(url, failure.code) : problems.unreachable(url, failure.code, failure.message),
        details,
      };
    }
  }

  /**
   * One POST per message. Messages of different profiles go out concurrently, at most `maxConcurrentRequests` at
   * once for the set-up (whatever the calls in flight); a profile's next message only after its previous one was
   * acknowledged, and none at all once one of them failed.
   */
  async deliver(messages: readonly DeliveryMessage[], options: DeliverOptions = {}): Promise<DeliveryOutcome[]> {
    if (messages.length === 0) return [];
    const { signal } = options;
    if (this.schemeProblem) {
      const reason = { code: 'InsecureUrl', message: `the URL ${this.schemeProblem}`, scope: 'destination' } as const;
      return messages.map(() => ({ status: 'rejected', reason }));
    }
    const outcomes = new Array<DeliveryOutcome>(messages.length);
    const lanes = new Map<string, number[]>();
    messages.forEach((message, index) => {
      const lane = lanes.get(message.partitionKey);
      if (lane) lane.push(index);
      else lanes.set(message.partitionKey, [index]);
    });
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (let position = 0; position < lane.length; position++) {
          // Past the host's budget nothing more is sent: what is left goes again later.
          const outcome = await this.requests(() => (signal?.aborted ? timedOutOutcome() : this.post(messages[lane[position]], signal)));
          outcomes[lane[position]] = outcome;
          if (outcome.status === 'delivered') continue;
          // Not sent: its profile's earlier message failed (if that one got no answer, neither did this one).
          const timedOut = outcome.status === 'retryable' && outcome.reason.timedOut;
          for (const held of lane.slice(position + 1)) {
            outcomes[held] = {
              status: 'retryable',
              reason: {
                code: 'HeldBehindFailure',
                message: 'an earlier message of the same profile was not delivered',
                ...(timedOut && { timedOut: true }),
              },
            };
          }
          return;
        }
      }),
    );
    return outcomes;
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  private async post(message: DeliveryMessage, signal?: AbortSignal): Promise<DeliveryOutcome> {
    const id = webhookId(this.setup.id, message.id);
    // A fresh timestamp (and so a fresh signature) per attempt: receivers refuse old ones as replays.
    const signature = signatureHeaders(id, Math.floor(Date.now() / 1000), message.body, this.keys);
    try {
      const answer = await this.transport.send(
        'POST',
        { ...this.baseHeaders(), 'content-type': 'application/json', ...signature },
        message.body,
        signal,
      );
      return outcomeOfAnswer(answer, id);
    } catch (error) {
      if (signal?.aborted) return timedOutOutcome('the call ran out of time before the receiver answered');
      return outcomeOfError(asTransportError(error));
    }
  }

  private baseHeaders(): Record<string, string> {
    return { ...this.setup.settings.headers, 'user-agent': USER_AGENT };
  }
}
