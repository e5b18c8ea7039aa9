import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { Subject } from 'rxjs';
import { HOST_CONFIG, type HostConfig } from '../../config/host.config.js';
import { DatabaseService } from '../database.service.js';
import { errorMessage } from '../../common/error-message.js';
import { PostgresDatabase } from '../postgres/postgres-database.js';

/**
 * Messages committed elsewhere: connector, partition, how many and their stored bytes (absent from an older
 * instance); or 'all' when the counts must be read again.
 */
export type AppendedSignal = [connectorId: string, partition: number, count: number, bytes?: number][] | 'all';

/** A set-up changed elsewhere: a connector's id, 'routing' (a binding), or 'all' (the link was down meanwhile). */
export type SetupSignal = string;

const OUTBOX_CHANNEL = 'outbox_appended';
const SETUP_CHANNEL = 'setup_changed';
/** pg_notify refuses payloads from 8000 bytes; bigger news becomes "read the counts again". */
const MAX_PAYLOAD = 7000;

/**
 * What instances sharing one PostgreSQL tell each other, through LISTEN/NOTIFY: new messages (so the owner of
 * their partition wakes at once instead of at its next count) and set-up changes (so routing and delivery see
 * them within a moment). Notifications are sent by the committing transaction, so they arrive only once its
 * writes are visible. A lost link is re-opened; since notifications sent meanwhile are lost, re-opening signals
 * 'all'. A backstop, not the source of truth: the store is, and counts are read again every few seconds.
 * Does nothing on SQLite.
 */
@Injectable()
export class StoreSignals implements OnApplicationShutdown {
  private readonly logger = new Logger(StoreSignals.name);
  private readonly appended = new Subject<AppendedSignal>();
  private readonly setups = new Subject<SetupSignal>();
  readonly appended$ = this.appended.asObservable();
  readonly setupChanged$ = this.setups.asObservable();
  private client?: pg.Client;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  private readonly me: string;

  constructor(
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly database: DatabaseService,
  ) {
    this.me = config.cluster.instanceId;
  }

  get enabled(): boolean {
    return this.database instanceof PostgresDatabase;
  }

  /** Starts listening (PostgreSQL only); resolves once the first link is open or failed (then retried). */
  async start(): Promise<void> {
    if (!this.enabled) return;
    await this.connect(false);
  }

  /** The payload for messages committed: sent with `pg_notify` inside the committing transaction. */
  appendedPayload(entries: AppendedSignal): string {
    const text = JSON.stringify([this.me, entries]);
    return text.length <= MAX_PAYLOAD ? text : JSON.stringify([this.me, 'all']);
  }

  readonly outboxChannel = OUTBOX_CHANNEL;

  /** Tells the other instances a set-up changed (after the change committed). */
  async setupChanged(what: SetupSignal): Promise<void> {
    if (!this.enabled) return;
    try {
      await (this.database as PostgresDatabase).pool.query('SELECT pg_notify($1, $2)', [SETUP_CHANNEL, JSON.stringify([this.me, what])]);
    } catch (error) {
      // The others still see it: they re-read set-ups when their own link comes back, and on every restart.
      this.logger.warn(`could not tell other instances of a set-up change: ${errorMessage(error)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(again: boolean): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl, connectionTimeoutMillis: 3000, keepAlive: true });
    client.on('notification', (note) => this.heard(note.channel, note.payload));
    client.on('error', (error) => {
      this.logger.warn(`store signals link lost: ${error.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}; LISTEN ${SETUP_CHANNEL}`);
      this.client = client;
      if (again) {
        this.logger.log('store signals link open again');
        this.appended.next('all');
        this.setups.next('all');
      }
    } catch (error) {
      this.logger.warn(`store signals link could not open: ${errorMessage(error)}`);
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.schedule();
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect(true);
    }, 1000);
    this.retry.unref();
  }

  private heard(channel: string, payload: string | undefined): void {
    if (!payload) return;
    try {
      const [from, what] = JSON.parse(payload) as [string, unknown];
      if (from === this.me) return;
      if (channel === OUTBOX_CHANNEL) this.appended.next(what as AppendedSignal);
      else if (channel === SETUP_CHANNEL) this.setups.next(what as SetupSignal);
    } catch {
      this.logger.warn(`ignored a malformed ${channel} notification`);
    }
  }
}
