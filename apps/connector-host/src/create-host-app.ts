import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger as NestLogger, ValidationPipe } from '@nestjs/common';
import { type ModuleRef, NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { openApiDocument } from './api/openapi/openapi-document.js';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { toFieldErrors } from '@event-connectors/connector-sdk';
import { InvalidInputError } from './common/domain-errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './api/json-depth.js';
import { ObjectBodyPipe } from './api/object-body.pipe.js';
import { admitBodies } from './api/body-admission.js';
import { AuthFailureLimiter } from './api/auth/auth-failure-limiter.js';
import { bodyClientResolver } from './api/auth/body-client.js';
import { consoleBuild, serveConsole } from './api/console-page.js';
import { ConsoleSessions } from './sessions/console-sessions.js';
import { IntakeBudget } from './intake/intake-budget.js';
import { IntakeNotifications } from './intake/intake-notifications.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { connectorModules, readConnectorOptions, threadConnectorOptions } from './composition/connector-plugins.js';
import { DELIVERY_THREAD_ENTRY } from './placement/thread/delivery-thread.entry.js';
import { type HostConfig, readHostConfig } from './config/host.config.js';
import { HostModule } from './host.module.js';
import type { DynamicModule } from '@nestjs/common';

export interface HostApp {
  app: NestFastifyApplication;
  config: HostConfig;
}

export interface HostAppOptions {
  /**
   * Connector modules to load instead of the composition root's plugins configured by CONNECTORS (tests). Objects
   * live on this thread only, so with them delivery runs on the host's event loop whatever DELIVERY_THREAD says.
   */
  connectors?: DynamicModule[];
  /**
   * Delivery's thread as tests under vitest need it: the compiled file to run (this code itself is not compiled)
   * and node options of its own (not vitest's, which resolve the workspace libraries to TypeScript).
   */
  deliveryThread?: { entry: URL; execArgv: string[] };
}

/** Builds the host from an environment (process.env in production, a literal in tests); does not listen. */
export async function createHostApp(env: Record<string, string | undefined>, options: HostAppOptions = {}): Promise<HostApp> {
  const config = readHostConfig(env);
  const connectorOptions = options.connectors === undefined ? readConnectorOptions(config, env) : undefined;
  const connectors = options.connectors ?? connectorModules(connectorOptions ?? {});
  const deliveryThread =
    config.delivery.thread && connectorOptions !== undefined
      ? {
          entry: options.deliveryThread?.entry ?? DELIVERY_THREAD_ENTRY,
          execArgv: options.deliveryThread?.execArgv,
          config,
          connectorOptions: (modules: ModuleRef) => threadConnectorOptions(connectorOptions, modules),
        }
      : undefined;
  const app = await NestFactory.create<NestFastifyApplication>(
    HostModule.forRoot({ config, connectors, deliveryThread }),
    // The caller's X-Request-Id (or a fresh UUID) becomes the request id every log line of the request carries.
    // requestTimeout: a client must send its whole request within it, so a slow upload cannot hold its share for long.
    new FastifyAdapter({
      bodyLimit: config.maxBodyBytes,
      requestTimeout: config.requestTimeoutMs,
      requestIdHeader: 'x-request-id',
      genReqId: () => randomUUID(),
    }),
    // bodyParser: false: Fastify parses JSON itself, with the parser set up below (Nest would add a second one).
    { bufferLogs: true, abortOnError: false, bodyParser: false },
  );
  // Nest's own lines (boot, errors) go through pino too, with the same format and redaction.
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  // Generated clients send content-type: application/json on every request, body or not: an empty body is no body
  // (body-less actions answer as without the header; a route that needs a body says which field is missing).
  // Anything else is Fastify's own parser, prototype-poisoning checks included.
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') return done(null, undefined);
    void jsonParser(request, text, done);
  });
  const notifications = app.get(IntakeNotifications, { strict: false });
  const identify = bodyClientResolver(config, app.get(AuthFailureLimiter, { strict: false }), app.get(ConsoleSessions, { strict: false }));
  admitBodies(fastify, app.get(IntakeBudget, { strict: false }).bodies, config.maxBodyBytes, identify, (limit) =>
    notifications.refused({ limit }),
  );
  // Refuse absurdly nested bodies before any (recursive) validator sees them.
  fastify.addHook('preValidation', async (request: { body?: unknown }, reply: FastifyReply) => {
    if (request.body !== undefined && nestsDeeperThan(request.body, MAX_JSON_DEPTH)) {
      return reply.status(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: `body nests deeper than ${MAX_JSON_DEPTH} levels`,
        errors: [{ field: 'body', message: `body nests deeper than ${MAX_JSON_DEPTH} levels` }],
      });
    }
  });
  // Security headers on every answer; the CSP lets the /docs page run its own inline bootstrap only.
  // Built once: @fastify/helmet rebuilt the whole middleware (CSP parsing included) for every request.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
    });
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs/json' });
  const consoleDir = consoleBuild();
  if (consoleDir) await serveConsole(fastify, consoleDir, config.console.frameAncestors);
  else new NestLogger('Console').warn('The console is not built (npm run build makes dist/console): /console/ answers 404');
  app.useGlobalPipes(
    new ObjectBodyPipe(),
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => new InvalidInputError(toFieldErrors(errors)),
    }),
  );
  return { app, config };
}
