import 'reflect-metadata';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { connectorModules } from '../../composition/connector-plugins.js';
import { DeliveryThreadModule } from './delivery-thread.module.js';
import { ThreadLink } from './thread-link.js';
import type { DeliveryThreadData, ToDeliveryThread } from './thread-messages.js';

/** This file, which the host starts as delivery's thread (imported by the host for its address only). */
export const DELIVERY_THREAD_ENTRY = new URL(import.meta.url);

/** Delivery's thread: builds its own application (no HTTP) from what the host resolved, and runs the loops. */
async function runDeliveryThread(port: NonNullable<typeof parentPort>, data: DeliveryThreadData): Promise<void> {
  const { config } = data;
  const app = await NestFactory.createApplicationContext(
    DeliveryThreadModule.forRoot({ config, connectors: connectorModules(data.connectors), port, data }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  let closing: Promise<void> | undefined;
  port.on('message', (message: ToDeliveryThread) => {
    // Stop: the loops settle what is in flight (within SHUTDOWN_TIMEOUT_MS), the store closes, the thread ends.
    if (message.kind === 'stop') closing ??= app.close().then(() => process.exit(0));
  });
  await app.init();
  app.get(ThreadLink).ready();
}

if (!isMainThread && parentPort && (workerData as DeliveryThreadData | undefined)?.role === 'delivery') {
  const port = parentPort;
  runDeliveryThread(port, workerData as DeliveryThreadData).catch((error: unknown) => {
    console.error(`delivery thread failed to start: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
}
