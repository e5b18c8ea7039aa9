import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { WorkerStatus } from './round-accounting.js';

/** A connector's loop as health sees it; plain data, so it crosses from delivery's thread as it is. */
export interface LoopStatus {
  lastSuccessAt?: number;
  lastError?: { code: string; message: string; at: number };
  failingRounds: number;
  /** Since when its calls only time out (the breaker is open). */
  stalledSince?: number;
}

/** The delivery loops running now, each with its status. */
export type RunningLoops = ReadonlyMap<string, LoopStatus>;

/**
 * What the host's HTTP side (health, metrics) asks of delivery, wherever delivery runs: on this
 * event loop (`InlineDelivery`) or on its own thread (`DeliveryThread`). Callers never know which.
 */
export abstract class DeliveryControl {
  /** The loops running, with their statuses (readiness: every enabled, loaded connector must have one). */
  abstract loops(): Promise<RunningLoops>;

  /** Delivery's metrics kept on another event loop, to merge into this one's at scrape time (none when inline). */
  abstract metricsElsewhere(): Promise<MetricObjectWithValues<MetricValue<string>>[]>;
}

/** A loop's status as plain data. */
export function loopStatusOf(status: Readonly<WorkerStatus>): LoopStatus {
  const { lastSuccessAt, lastError, failingRounds, stalledSince } = status;
  return {
    failingRounds,
    ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
    ...(stalledSince === undefined ? {} : { stalledSince }),
    ...(lastError === undefined ? {} : { lastError: { code: lastError.code, message: lastError.message, at: lastError.at } }),
  };
}
