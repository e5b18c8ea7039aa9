import { isMainThread } from 'node:worker_threads';
import { Injectable } from '@nestjs/common';
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

/** Labels of every per-connector metric: bounded by the number of connectors, never by profiles or sources. */
export interface ConnectorLabels {
  connector_id: string;
  connector_type: string;
}

/** What a gauge reads at scrape time. */
export interface BacklogSource {
  backlogs(): Promise<{ labels: ConnectorLabels; pending: number; pendingBytes: number; deadLetters: number; oldestAgeSeconds: number }[]>;
}

/**
 * The host's Prometheus metrics, modelled on the Kinesis Producer Library's list. One registry per host
 * (not prom-client's global one), so two hosts in one process never mix their numbers.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly eventsReceived = new Counter({
    name: 'connector_host_events_received_total',
    help: 'Events accepted by POST /v1/events',
    registers: [this.registry],
  });
  readonly messagesRouted = new Counter({
    name: 'connector_host_messages_routed_total',
    help: 'Messages committed for delivery',
    labelNames: ['connector_id', 'connector_type'],
    registers: [this.registry],
  });
  readonly messagesSkipped = new Counter({
    name: 'connector_host_messages_skipped_total',
    help: 'Events or (event, binding) pairs that produced no message, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly intakeRefused = new Counter({
    name: 'connector_host_intake_refused_total',
    help: 'Requests to POST /v1/events refused by a bound on what a request or tenant may cost, by the bound (its setting) and, for a connector at its backlog cap, the connector',
    labelNames: ['limit', 'connector_id'],
    registers: [this.registry],
  });
  readonly recordsPut = new Counter({
    name: 'connector_host_records_put_total',
    help: 'Records the destination acknowledged',
    labelNames: ['connector_id', 'connector_type'],
    registers: [this.registry],
  });
  readonly bytesPut = new Counter({
    name: 'connector_host_bytes_put_total',
    help: 'Bytes (bodies and keys) the destination acknowledged',
    labelNames: ['connector_id', 'connector_type'],
    registers: [this.registry],
  });
  readonly recordsFailed = new Counter({
    name: 'connector_host_records_failed_total',
    help: 'Failed record attempts by error code',
    labelNames: ['connector_id', 'connector_type', 'error_code'],
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'connector_host_retries_total',
    help: 'Messages rescheduled for another attempt',
    labelNames: ['connector_id', 'connector_type'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'connector_host_dead_lettered_total',
    help: 'Messages moved to dead letters',
    labelNames: ['connector_id', 'connector_type'],
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'connector_host_batch_size',
    help: 'Messages per deliver() call',
    labelNames: ['connector_id', 'connector_type'],
    buckets: [1, 5, 10, 25, 50, 100, 250, 500],
    registers: [this.registry],
  });
  readonly requestLatency = new Histogram({
    name: 'connector_host_request_latency_seconds',
    help: 'Duration of deliver() calls (PutRecords requests)',
    labelNames: ['connector_id', 'connector_type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly acceptToAck = new Histogram({
    name: 'connector_host_accept_to_ack_seconds',
    help: 'From the 202 of POST /v1/events to the destination acknowledging the message',
    labelNames: ['connector_id', 'connector_type'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registers: [this.registry],
  });
  private source?: BacklogSource;
  /** One read of the store serves all three gauges of a scrape. */
  private lastRead?: { at: number; backlogs: ReturnType<BacklogSource['backlogs']> };

  constructor() {
    // The process' own metrics (memory, CPU, handles) once per process: on its main thread, not on delivery's.
    if (isMainThread) collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, pick: (backlog: Awaited<ReturnType<BacklogSource['backlogs']>>[number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['connector_id', 'connector_type'],
        registers: [this.registry],
        collect: async () => {
          const backlogs = await this.backlogs();
          const metric = this.registry.getSingleMetric(name) as Gauge<keyof ConnectorLabels>;
          metric.reset();
          for (const backlog of backlogs) metric.set({ ...backlog.labels }, pick(backlog));
        },
      });
    gauge('connector_host_backlog_messages', 'Messages accepted and not yet acknowledged', (backlog) => backlog.pending);
    gauge(
      'connector_host_backlog_bytes',
      'Bytes the store holds for messages not yet acknowledged (whole chunks until their last message settles)',
      (backlog) => backlog.pendingBytes,
    );
    gauge('connector_host_dead_letters', 'Dead letters waiting for a person', (backlog) => backlog.deadLetters);
    gauge(
      'connector_host_oldest_pending_age_seconds',
      'Age of the oldest message not yet acknowledged',
      (backlog) => backlog.oldestAgeSeconds,
    );
  }

  private backlogs(): ReturnType<BacklogSource['backlogs']> {
    const now = Date.now();
    if (!this.lastRead || now - this.lastRead.at > 250)
      this.lastRead = { at: now, backlogs: this.source?.backlogs() ?? Promise.resolve([]) };
    return this.lastRead.backlogs;
  }

  /**
   * The Prometheus text of this registry, merged with the metrics of other event loops (delivery's thread):
   * counters and histograms of the same name and labels add up.
   */
  async exposition(others: readonly MetricObjectWithValues<MetricValue<string>>[][] = []): Promise<string> {
    const nonEmpty = others.filter((metrics) => metrics.length > 0);
    if (nonEmpty.length === 0) return this.registry.metrics();
    return AggregatorRegistry.aggregate([await this.registry.getMetricsAsJSON(), ...nonEmpty]).metrics();
  }

  /**
   * A gauge whose samples `read` gives at scrape time (connector statuses, readiness): for what the host knows
   * only by asking, never counted as it happens.
   */
  gaugeAtScrape<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<{ labels: Partial<Record<L, string>>; value: number }[]>,
  ): void {
    const gauge: Gauge<L> = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: async () => {
        const samples = await read();
        gauge.reset();
        for (const { labels, value } of samples) gauge.set(labels, value);
      },
    });
  }

  /** The gauges read backlogs from here at scrape time. */
  readBacklogsFrom(source: BacklogSource): void {
    this.source = source;
  }
}
