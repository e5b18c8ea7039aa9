import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from './address-policy.js';
import { resolveWebhookOptions } from './webhook-connector.options.js';
import { type TransportError, WebhookTransport } from './webhook-transport.js';

const production = new AddressPolicy(resolveWebhookOptions({}));
const development = new AddressPolicy(resolveWebhookOptions({ blockPrivateNetworks: false, allowHttpToLoopback: true }));
const allowing = new AddressPolicy(resolveWebhookOptions({ allowedNetworks: ['10.20.0.0/16', '127.0.0.1'] }));

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((_request, response) => response.writeHead(204).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('AddressPolicy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.100.100.200', // carrier-grade NAT (another cloud's metadata)
    '0.0.0.0',
    '::1',
    'fd00:ec2::254', // unique local (AWS's IPv6 metadata)
    'fe80::1',
    '::ffff:127.0.0.1', // IPv4-mapped loopback
    '224.0.0.1',
  ])('refuses %s when private networks are blocked', (address) => {
    expect(production.allows(address)).toBe(false);
    expect(development.allows(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('allows the public address %s', (address) =>
    expect(production.allows(address)).toBe(true),
  );

  it('lets an operator allow networks and addresses despite the block', () => {
    expect(allowing.allows('10.20.5.6')).toBe(true);
    expect(allowing.allows('10.21.0.1')).toBe(false);
    expect(allowing.allows('127.0.0.1')).toBe(true);
    expect(allowing.allows('127.0.0.2')).toBe(false);
  });

  it('requires https, and takes plain http only to loopback where allowed', () => {
    expect(production.schemeProblem(new URL('https://example.com/x'))).toBeUndefined();
    expect(production.schemeProblem(new URL('http://127.0.0.1/x'))).toBe('must use https');
    expect(development.schemeProblem(new URL('http://127.0.0.1:8080/x'))).toBeUndefined();
    expect(development.schemeProblem(new URL('http://localhost/x'))).toBeUndefined();
    expect(development.schemeProblem(new URL('http://[::1]/x'))).toBeUndefined();
    expect(development.schemeProblem(new URL('http://example.com/x'))).toBe('must use https (plain http only to a loopback address)');
  });

  it('resolves a name and names the addresses it refuses', async () => {
    const resolution = await production.resolve(new URL('https://localhost/x'));
    expect(resolution.addresses.length).toBeGreaterThan(0);
    expect(resolution.refused).toEqual(resolution.addresses);
    expect(await production.resolve(new URL('https://[::1]/x'))).toEqual({ addresses: ['::1'], refused: ['::1'] });
  });

  it('refuses the connection itself, after DNS, when a blocked address is reached', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const url = new URL(`http://${host}:${port}/hook`);
      const transport = new WebhookTransport(url, production.agentFor(url, 2), { connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
      await expect(transport.send('POST', {}, '{}')).rejects.toMatchObject({ code: 'AddressNotAllowed' } satisfies Partial<TransportError>);
      transport.close();
    }
    const url = new URL(`http://127.0.0.1:${port}/hook`);
    for (const policy of [development, allowing]) {
      const transport = new WebhookTransport(url, policy.agentFor(url, 2), { connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
      expect((await transport.send('POST', {}, '{}')).status).toBe(204);
      transport.close();
    }
  });
});
