import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build` puts the console: dist/console, found from the built host or from its sources (tests). */
export function consoleBuild(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../console'), resolve(here, '../../../../dist/console'), resolve(here, '../../../dist/console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets')));
}

/**
 * The page's own policy: its bundle and the host's API only (no inline script or style, no other origin), framed
 * only by the origins the platform names (CONSOLE_FRAME_ANCESTORS; by default none but the host itself).
 */
export function consolePolicy(frameAncestors: readonly string[]): string {
  const ancestors = frameAncestors.length > 0 ? frameAncestors.join(' ') : "'self'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/**
 * Serves the console under /console/: its page never cached (a new build takes effect at once), its hashed assets
 * for a year. The session rides in the link's fragment, which never reaches the host.
 */
export async function serveConsole(fastify: FastifyInstance, root: string, frameAncestors: readonly string[]): Promise<void> {
  const policy = consolePolicy(frameAncestors);
  // Every answer under /console (its files, its redirects, its 404s) carries the page's policy, over what the host's
  // own security headers set on every answer (create-host-app.ts).
  fastify.addHook('onSend', (request, reply, _payload, done) => {
    if (request.url === '/console' || request.url.startsWith('/console/')) {
      reply.raw.setHeader('Content-Security-Policy', policy);
      // frame-ancestors decides who may frame it; the older header would forbid the platform's frame.
      reply.raw.removeHeader('X-Frame-Options');
    }
    done();
  });
  fastify.get('/console', (_request, reply) => reply.redirect('/console/', 301));
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/console/',
    decorateReply: false,
    redirect: true,
    index: ['index.html'],
    cacheControl: false,
    setHeaders: (reply, path) => {
      const hashed = relative(root, path).startsWith(`assets${sep}`);
      reply.raw.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-store');
    },
  });
}
