import type { FastifyInstance } from 'fastify';
import { domainAnswer } from './error-body.filter.js';
import { clientKeyOf } from './auth/access-tokens.js';
import { refusal } from '../intake/intake-budget.js';
import type { ByteBudget } from '../intake/byte-budget.js';

/**
 * Reserves each request body's length in the host's budget before the body is read (and releases it once the answer
 * is sent or the connection closes): past a client's share the request gets 429, past the host's 503, at once, so a
 * burst of large bodies cannot take the memory that reading and parsing them would. A body of unknown length counts
 * as the largest the host accepts.
 */
export function admitBodies(fastify: FastifyInstance, bodies: ByteBudget, maxBodyBytes: number, refused: (limit: string) => void): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const declared = request.headers['content-length'];
    const chunked = request.headers['transfer-encoding'] !== undefined;
    const length = declared !== undefined ? Math.min(Number(declared) || 0, maxBodyBytes) : chunked ? maxBodyBytes : 0;
    if (length === 0) return done();
    const client = clientKeyOf(request);
    const over = bodies.reserve(client, length);
    if (over) {
      refused(over.limit.name);
      // Read and drop what the client is still sending (no memory kept), so it gets this answer rather than a reset.
      request.raw.resume();
      const body = domainAnswer(refusal(over, 'request bodies'));
      void reply
        .status(body.statusCode)
        .header('Retry-After', String(body.retryAfterSeconds ?? 1))
        .send(body);
      return;
    }
    reply.raw.once('close', () => bodies.release(client, length));
    done();
  });
}
