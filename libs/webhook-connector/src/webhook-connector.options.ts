import ipaddr from 'ipaddr.js';

/** Deployment-wide options of the webhook connector (the same for every set-up), given by the host. */
export interface WebhookConnectorOptions {
  /**
   * Refuse URLs that resolve to loopback, private, link-local (cloud metadata), carrier-grade NAT or other
   * non-public addresses, at save and at every connection (after DNS): the SSRF guard. Default true.
   */
  blockPrivateNetworks?: boolean;
  /** Addresses or CIDRs (`10.20.0.0/16`, `fd00::/8`) an operator allows despite `blockPrivateNetworks`. */
  allowedNetworks?: string[];
  /** Allow plain `http://` to a loopback address (development and tests). Default false: https only. */
  allowHttpToLoopback?: boolean;
  /** Extra certificate authorities (PEM) trusted for receivers, e.g. an internal CA. */
  extraCaCertificates?: string[];
  /** Connect timeout, ms (default 5000). */
  connectTimeoutMs?: number;
  /** Whole-request timeout, ms (default 15000; the spec recommends 15 to 30 s for receivers to answer). */
  requestTimeoutMs?: number;
  /** Requests in flight at once per set-up (default 16). */
  maxConcurrentRequests?: number;
  /** Messages per deliver() call (default 100). */
  maxBatchMessages?: number;
}

export type ResolvedWebhookOptions = Required<WebhookConnectorOptions>;

/** Injection token of the checked options, defaults filled in. */
export const RESOLVED_WEBHOOK_OPTIONS = Symbol('RESOLVED_WEBHOOK_OPTIONS');

/** One batch at most: its requests go `maxConcurrentRequests` at a time, each a connection and a request within their timeouts. */
export function longestCallMs(options: ResolvedWebhookOptions): number {
  const rounds = Math.ceil(options.maxBatchMessages / options.maxConcurrentRequests);
  return rounds * (options.connectTimeoutMs + options.requestTimeoutMs);
}

/** Checks the options and fills in defaults; throws at boot, naming the option, on a value that cannot work. */
export function resolveWebhookOptions(options: WebhookConnectorOptions): ResolvedWebhookOptions {
  for (const network of options.allowedNetworks ?? []) {
    if (!ipaddr.isValid(network) && !isCidr(network)) {
      throw new Error(`WebhookConnectorModule: allowedNetworks entries must be IP addresses or CIDRs like 10.0.0.0/8, got "${network}"`);
    }
  }
  return {
    blockPrivateNetworks: options.blockPrivateNetworks ?? true,
    allowedNetworks: [...(options.allowedNetworks ?? [])],
    allowHttpToLoopback: options.allowHttpToLoopback ?? false,
    extraCaCertificates: [...(options.extraCaCertificates ?? [])],
    connectTimeoutMs: integer('connectTimeoutMs', options.connectTimeoutMs, 5000, 1, 120_000),
    requestTimeoutMs: integer('requestTimeoutMs', options.requestTimeoutMs, 15_000, 1, 600_000),
    maxConcurrentRequests: integer('maxConcurrentRequests', options.maxConcurrentRequests, 16, 1, 1024),
    maxBatchMessages: integer('maxBatchMessages', options.maxBatchMessages, 100, 1, 10_000),
  };
}

function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`WebhookConnectorModule: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}
