import type { FastifyInstance } from 'fastify';
import { domainAnswer } from './error-body.filter.js';
import type { BodyClient } from './auth/body-client.js';
import { refusal } from '../intake/intake-budget.js';
import type { ByteBudget } from '../intake/byte-budget.js';

/**
 * Reserves each request body's length in the host's budget before the body is read (and releases it once the answer
 * is sent or the connection closes): past a client's share the request gets 429, past the host's 503, at once, so a
 * burst of large bodies cannot take the memory that reading and parsing them would. A body of unknown length counts
 * as the largest the host accepts.
 */
export function admitBodies(
  fastify: FastifyInstance,
  bodies: ByteBudget,
  maxBodyBytes: number,
  identify: (request: { headers: { authorization?: string }; ip: string }) => BodyClient | Promise<BodyClient>,
  refused: (limit: string) => void,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const declared = request.headers['content-length'];
    const chunked = request.headers['transfer-encoding'] !== undefined;
    const length = declared !== undefined ? Math.min(Number(declared) || 0, maxBodyBytes) : chunked ? maxBodyBytes : 0;
    if (length === 0) return done();
    const admit = (who: BodyClient) => {
      // Gone while its session was checked: its 'close' has fired already, so nothing reserved now would be released.
      if (request.raw.destroyed || reply.raw.destroyed) return done();
      if ('refusal' in who) {
        // Nothing is reserved for a sender without a valid token: its body is read and dropped, never parsed.
        request.raw.resume();
        if (who.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(who.retryAfterSeconds));
        if (who.refusal.statusCode === 401) void reply.header('WWW-Authenticate', who.authenticate ?? 'Bearer');
        void reply.status(who.refusal.statusCode).send(who.refusal);
        return;
      }
      const { client } = who;
      const over = bodies.reserve(client, length);
      if (over) {
        if (request.url.startsWith('/v1/events')) refused(over.limit.name);
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
    };
    // Configured tokens are known at once; a console session's signature is checked first (a turn later).
    const who = identify(request);
    if (who instanceof Promise) who.then(admit).catch(done);
    else admit(who);
  });
}
