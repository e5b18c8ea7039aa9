import { describe, expect, it } from 'vitest';
import { isLoopbackRequest } from './loopback-request.js';

describe('isLoopbackRequest', () => {
  it('takes a loopback peer that names a loopback host', () => {
    for (const [peer, host] of [
      ['127.0.0.1', '127.0.0.1:3000'],
      ['127.0.0.1', 'localhost:3000'],
      ['127.0.0.1', 'LOCALHOST'],
      ['::1', '[::1]:3000'],
      ['::ffff:127.0.0.1', 'localhost'],
      ['127.0.0.2', '127.0.0.1:8080'],
    ])
      expect(isLoopbackRequest(peer, host), `${peer} ${host}`).toBe(true);
  });

  it('refuses a peer from elsewhere, and a Host header that names another machine (DNS rebinding)', () => {
    for (const [peer, host] of [
      ['10.0.0.5', 'localhost:3000'],
      ['192.168.1.2', '127.0.0.1:3000'],
      ['127.0.0.1', 'attacker.example:3000'],
      ['127.0.0.1', 'localhost.attacker.example'],
      ['127.0.0.1', '10.0.0.1:3000'],
      ['127.0.0.1', undefined],
      [undefined, 'localhost'],
    ] as [string | undefined, string | undefined][])
      expect(isLoopbackRequest(peer, host), `${peer} ${host}`).toBe(false);
  });
});
