import ipaddr from 'ipaddr.js';

/** A loopback address: 127.0.0.0/8, ::1, or either mapped into IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return parsed.range() === 'loopback';
}

/** The host name of a Host header (`127.0.0.1:3000`, `[::1]:3000`, `localhost`), lower case, without its port. */
function hostName(header: string): string {
  const name = header.startsWith('[') ? header.slice(1, header.indexOf(']')) : header.replace(/:\d+$/, '');
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * Whether a request both comes from this machine and names this machine in its Host header. The second half stops
 * DNS rebinding: a web page whose name re-resolves to 127.0.0.1 gets its requests sent from the victim's own
 * browser (a loopback peer) but with its own name as Host.
 */
export function isLoopbackRequest(peer: string | undefined, host: string | undefined): boolean {
  if (!isLoopbackAddress(peer) || host === undefined) return false;
  const name = hostName(host);
  return name === 'localhost' || isLoopbackAddress(name);
}
