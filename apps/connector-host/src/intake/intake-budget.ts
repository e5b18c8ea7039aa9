import { Inject, Injectable } from '@nestjs/common';
import { LimitExceededError, RetryLaterError } from '../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { ByteBudget } from './byte-budget.js';

/** A client holds at most this share of each budget (but always room for one request at the per-request limits). */
const CLIENT_SHARE = 4;

/**
 * What requests being taken in hold in memory: their bodies while they are read and parsed, their routed messages
 * until committed. Each is reserved before it is used, so no burst of large or amplifying requests, from one
 * client or many, can take the host's memory: past a client's share it is refused (429), past the host's (503).
 */
@Injectable()
export class IntakeBudget {
  readonly bodies: ByteBudget;
  readonly routed: ByteBudget;

  constructor(@Inject(HOST_CONFIG) config: HostConfig) {
    const { bodyBytesInFlight, routedBytesInFlight, routedBytesPerRequest } = config.limits;
    this.bodies = new ByteBudget(
      'INTAKE_MAX_BODY_BYTES_IN_FLIGHT',
      bodyBytesInFlight,
      Math.min(bodyBytesInFlight, Math.max(Math.floor(bodyBytesInFlight / CLIENT_SHARE), config.maxBodyBytes)),
    );
    this.routed = new ByteBudget(
      'INTAKE_MAX_ROUTED_BYTES_IN_FLIGHT',
      routedBytesInFlight,
      Math.min(routedBytesInFlight, Math.max(Math.floor(routedBytesInFlight / CLIENT_SHARE), routedBytesPerRequest)),
    );
  }

  /** Holds `bytes` of routed messages for `client` while `work` runs (until its commit settles). */
  async withRouted<T>(client: string, bytes: number, work: () => Promise<T>): Promise<T> {
    const refused = this.routed.reserve(client, bytes);
    if (refused) throw refusal(refused, 'routed messages');
    try {
      return await work();
    } finally {
      this.routed.release(client, bytes);
    }
  }
}

/** A client over its share waits for its own requests (429); a host over its budget is busy for everyone (503). */
export function refusal(refused: NonNullable<ReturnType<ByteBudget['reserve']>>, what: string): LimitExceededError | RetryLaterError {
  if (refused.scope === 'client')
    return new LimitExceededError(
      'busy',
      refused.limit,
      `This client's requests in progress would hold ${refused.limit.actual} bytes of ${what} with this one, more than a client's share of ${refused.limit.name} (${refused.limit.max}); nothing was stored: retry once they are answered`,
      [],
      1,
    );
  return new RetryLaterError(
    'unavailable',
    `The host is taking in as many bytes of ${what} as it may (${refused.limit.name}); nothing was stored: retry shortly`,
    1,
  );
}
