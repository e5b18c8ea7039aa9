import { createServer } from 'node:net';

/** A loopback port that was free a moment ago (for a child process that cannot report its own): the SDK's. */
export { freeLoopbackPort as freePort } from '@event-connectors/connector-sdk/testing';

/**
 * A free loopback port below the kernel's ephemeral range, for a server that must restart on the same port:
 * an ephemeral port can meanwhile be taken as the local end of some outgoing connection.
 */
export async function freeFixedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
  throw new Error('no free port found between 20000 and 32000');
}
