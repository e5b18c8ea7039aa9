import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import type { ResolvedWebhookOptions } from './webhook-connector.options.js';

/** What resolving a URL's host found: its addresses, and those the policy refuses. */
export interface Resolution {
  addresses: string[];
  refused: string[];
}

/**
 * Where a webhook may send: https only (plain http to loopback when allowed, for development), and, when private
 * networks are blocked, only to public unicast addresses or to networks the operator allowed. The same rule is
 * applied at save (`resolve`), in `check()`, and on every new connection (the agents filter after DNS, so a host
 * that re-resolves to a private address later is refused too).
 */
export class AddressPolicy {
  private readonly allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(private readonly options: ResolvedWebhookOptions) {
    this.allowed = options.allowedNetworks.map((network) =>
      network.includes('/') ? ipaddr.parseCIDR(network) : [ipaddr.parse(network), ipaddr.parse(network).kind() === 'ipv4' ? 32 : 128],
    );
  }

  /** Why the URL's scheme may not be used, or undefined. */
  schemeProblem(url: URL): string | undefined {
    if (url.protocol === 'https:') return undefined;
    if (url.protocol === 'http:' && this.options.allowHttpToLoopback && isLoopback(url.hostname)) return undefined;
    return this.options.allowHttpToLoopback ? 'must use https (plain http only to a loopback address)' : 'must use https';
  }

  /** Whether a connection to this address is allowed. */
  allows(address: string): boolean {
    if (!this.options.blockPrivateNetworks) return true;
    if (!ipaddr.isValid(address)) return false;
    const parsed = ipaddr.process(address);
    if (this.allowed.some(([network, bits]) => parsed.kind() === network.kind() && parsed.match(network, bits))) return true;
    return parsed.range() === 'unicast';
  }

  /** Resolves the URL's host (an IP literal is itself) and names the addresses the policy refuses. */
  async resolve(url: URL): Promise<Resolution> {
    const host = bare(url.hostname);
    const addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    return { addresses, refused: addresses.filter((address) => !this.allows(address)) };
  }

  /** The keep-alive agent a set-up sends through: it refuses, after DNS, what `allows` refuses. */
  agentFor(url: URL, maxSockets: number): http.Agent {
    const agentOptions = {
      keepAlive: true,
      maxSockets,
      ...(this.options.extraCaCertificates.length > 0 && { ca: [...rootCertificates, ...this.options.extraCaCertificates] }),
    };
    if (!this.options.blockPrivateNetworks) return url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    const filter = {
      allowPrivateIPAddress: false,
      allowMetaIPAddress: false,
      allowIPAddressList: [...this.options.allowedNetworks],
      denyIPAddressList: [],
    };
    return url.protocol === 'https:'
      ? new RequestFilteringHttpsAgent({ ...agentOptions, ...filter })
      : new RequestFilteringHttpAgent({ ...agentOptions, ...filter });
  }
}

/** `[::1]` as URL.hostname gives it, without brackets. */
function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function isLoopback(hostname: string): boolean {
  const host = bare(hostname);
  if (host === 'localhost') return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}
