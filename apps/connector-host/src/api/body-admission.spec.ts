import { connect } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ByteBudget } from '../intake/byte-budget.js';
import type { BodyClient } from './auth/body-client.js';
import { admitBodies } from './body-admission.js';

// Body admission on a real Fastify server and a real client socket. Who the sender is comes from a function the host
// gives (body-client.ts); here it answers when the test says, to put a client's departure exactly in the gap a console
// session's signature check leaves.

const servers: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serverWith(identify: () => BodyClient | Promise<BodyClient>, bodies: ByteBudget) {
  const fastify = Fastify();
  servers.push(fastify);
  const closed: Promise<void>[] = [];
  fastify.server.on('connection', (socket) => closed.push(new Promise((resolve) => socket.once('close', () => resolve()))));
  admitBodies(fastify, bodies, 1_000_000, identify, () => undefined);
  fastify.post('/x', async () => ({ ok: true }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address() as { port: number };
  return { port, closed };
}

/** Sends a request's head announcing a body, and leaves. */
function sendHeadAndLeave(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 20);
    });
  });
}

describe('admitBodies', () => {
  it('reserves nothing for a client that left while it was being identified (nothing would ever release it)', async () => {
    const bodies = new ByteBudget('INTAKE_MAX_BODY_BYTES_IN_FLIGHT', 10_000_000, 2_000_000);
    let identified!: (client: BodyClient) => void;
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    const identify = () =>
      new Promise<BodyClient>((resolve) => {
        identified = resolve;
        asked();
      });
    const { port, closed } = await serverWith(identify, bodies);
    await sendHeadAndLeave(port);
    await wasAsked;
    // The client is gone (its connection closed on the server) before it is identified.
    await Promise.all(closed);
    identified({ client: 'console-site:7' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bodies.inUse).toBe(0);
  });

  it('reserves a body of a client identified at once, and releases it when the answer is done', async () => {
    const bodies = new ByteBudget('INTAKE_MAX_BODY_BYTES_IN_FLIGHT', 10_000_000, 2_000_000);
    const { port } = await serverWith(() => ({ client: 'token-a' }), bodies);
    const answer = await fetch(`http://127.0.0.1:${port}/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bodies.inUse).toBe(0);
  });
});
