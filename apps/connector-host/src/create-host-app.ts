import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { toFieldErrors } from '@app/connector-sdk';
import { invalidInput } from './api/field-errors.js';
import { type HostConfig, readHostConfig } from './config/host.config.js';
import { HostModule } from './host.module.js';

export interface HostApp {
  app: NestFastifyApplication;
  config: HostConfig;
}

/** Builds the host from an environment (process.env in production, a literal in tests); does not listen. */
export async function createHostApp(env: Record<string, string | undefined>): Promise<HostApp> {
  const config = readHostConfig(env);
  const app = await NestFactory.create<NestFastifyApplication>(
    HostModule.forRoot(config, env),
    new FastifyAdapter({ bodyLimit: config.maxBodyBytes }),
    { logger: config.logLevels, abortOnError: false },
  );
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      stopAtFirstError: true,
      exceptionFactory: (errors) => invalidInput(toFieldErrors(errors)),
    }),
  );
  return { app, config };
}
