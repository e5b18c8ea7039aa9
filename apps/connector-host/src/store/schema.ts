import type { Generated } from 'kysely';

// Table types as Kysely sees them. JSON columns hold TEXT; times are epoch milliseconds.

export interface ConnectorsTable {
  id: string;
  type: string;
  site_number: number;
  name: string;
  partner_number: number;
  /** JSON of the non-secret settings. */
  settings: string;
  /** The secret settings, sealed by SecretBox (AES-256-GCM, bound to the connector id). */
  secrets: string;
  enabled: number;
  created_at: number;
  updated_at: number;
  /** Why delivery is paused (set-up failures), or null. */
  paused_reason: string | null;
  paused_at: number | null;
  /** The tenant's delivery policy (JSON of DeliveryPolicy), or null: the host's values. */
  delivery_policy: string | null;
}

export interface BindingsTable {
  id: string;
  connector_id: string;
  site_number: number;
  source_type: 'audience' | 'journey';
  source_id: string;
  source_number: number | null;
  source_label: string;
  source_name: string | null;
  /** JSON array of { name, property }. */
  profile_variables: string;
  /** JSON object: key -> string | number. */
  properties: string;
  created_at: number;
}

/** Messages of one request for one connector, stored together (see outbox-chunk.ts). */
export interface OutboxChunksTable {
  seq: Generated<number>;
  connector_id: string;
  /** The delivery partition of every message in it (a hash of connector and profile; always 0 on SQLite). */
  partition: number;
  accepted_at: number;
  /** How many of its messages are not settled yet. */
  pending: number;
  /** JSON array of [partition key, source id, body]; never changes. PostgreSQL only: SQLite's are in `outbox_chunk_messages`. */
  messages: string;
  /** UTF-8 bytes of `messages`, written with it; null for a chunk stored before sizes were (never on SQLite). */
  bytes: number | null;
  /** JSON: settled indexes and retry states; null while untouched. */
  state: string | null;
  /** The replay that appended it, if one did. */
  replay_id: Generated<string | null>;
  /** The W3C traceparent of the commit that wrote it, when tracing is on (delivery's spans link to it). */
  trace: Generated<string | null>;
}

/**
 * SQLite: a chunk's messages apart from its row, which settlements rewrite (migration 014); kept while the message
 * history holds the chunk, deleted with it (migration 016).
 */
export interface OutboxChunkMessagesTable {
  seq: number;
  messages: string;
}

/** A chunk whose messages all settled, kept for the message history (see store/history/). */
export interface MessageHistoryTable {
  seq: number;
  connector_id: string;
  partition: number;
  accepted_at: number;
  settled_at: number;
  count: number;
  bytes: number;
  /** JSON: index -> [code, message] of those dead-lettered; null when all were delivered. */
  dead: string | null;
  /** JSON: the attempts of the settlement that moved it here (see chunk-attempts.ts); earlier ones are in message_attempts. */
  attempts: string | null;
  /** PostgreSQL only: SQLite's stay in `outbox_chunk_messages`. */
  messages: string;
  replay_id: string | null;
}

/** A replay of a connector's history (see history/replays.service.ts). */
export interface ReplaysTable {
  id: string;
  connector_id: string;
  from_at: number;
  to_at: number;
  /** JSON array of the outcomes replayed (delivered, dead_lettered); null: both. */
  outcomes: string | null;
  source_id: string | null;
  status: 'running' | 'done' | 'cancelled';
  /** The history is read from this chunk seq on. */
  next_seq: number;
  /** Messages the history held in the range when the replay was asked for (before its filters). */
  total: number;
  requeued: number;
  created_at: number;
  finished_at: number | null;
  owner: string | null;
  lease_until: number | null;
}

/** What one delivery call did to the messages of one chunk (see store/history/chunk-attempts.ts). */
export interface MessageAttemptsTable {
  id: Generated<number>;
  connector_id: string;
  chunk_seq: number;
  at: number;
  latency_ms: number;
  entries: string;
}

export interface DeadLettersTable {
  id: Generated<number>;
  connector_id: string;
  partition_key: string;
  body: string;
  accepted_at: number;
  attempts: number;
  failed_at: number;
  error_code: string;
  error_message: string;
  source_id: string | null;
  /** The id its message had (kept by a replay); null for those dead-lettered before it was recorded. */
  message_id: Generated<number | null>;
  /** UTF-8 bytes of its body and key (SQLite: computed by the database; PostgreSQL: written with it, or null before). */
  bytes: Generated<number | null>;
}

export interface IdempotencyKeysTable {
  key: string;
  /** SHA-256 of the request body: the same key with another body is refused. */
  request_hash: string;
  status: number;
  /** The JSON answered the first time. */
  response: string;
  created_at: number;
}

/** PostgreSQL only: who delivers which partition (see cluster/partition-lease-keeper.ts). */
export interface PartitionLeasesTable {
  partition: number;
  owner: string | null;
  /** Grows with every change of owner: a settlement names the epoch it was selected under. */
  epoch: number;
  expires_at: Date;
}

/** PostgreSQL only: the instances of the cluster, each with its last heartbeat. */
export interface InstancesTable {
  id: string;
  role: string;
  started_at: Date;
  heartbeat_at: Date;
  /** The ids of the secrets keys it holds, comma-separated. */
  key_ids: Generated<string>;
}

export interface ClusterSettingsTable {
  name: string;
  value: string;
}

/** Daily rollups of a connector's traffic: one row per connector, UTC day and metric (see TrafficTally). */
export interface TrafficStatsTable {
  connector_id: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  metric: string;
  /** Who wrote the row: the instance on PostgreSQL (rows are summed over writers), '' on SQLite. */
  writer: Generated<string>;
  count: number;
}

/** What the host issued a site (tenant). */
export interface SiteIdentitiesTable {
  site_number: number;
  external_id: string;
  created_at: number;
}

/** A value one site only may configure (see @SettingsField({ exclusiveToSite })), and that site. */
export interface SiteClaimsTable {
  connector_type: string;
  field: string;
  value_key: string;
  site_number: number;
}

/** What delivering instances saw of a connector's outcomes, for alerts (see alerts/delivery-facts.ts). */
export interface DeliveryHealthTable {
  connector_id: string;
  last_success_at: number | null;
  /** The first failure after the last success, or null. */
  failing_since: number | null;
  last_failure_at: number | null;
  /** JSON [code, message] of the last failure recorded. */
  last_error: string | null;
  /** When intake last refused messages for the connector's backlog cap. */
  capped_at: number | null;
  /** The start of the ALERT_WINDOW `dead_count` counts in (windows are aligned on the epoch). */
  dead_window: number | null;
  /** Messages delivery dead-lettered within `dead_window`. */
  dead_count: number | null;
}

/** What was alerted for a connector (see alerts/alert-rules.ts). */
export interface AlertStatesTable {
  connector_id: string;
  state: 'ok' | 'failing' | 'paused' | 'disabled';
  /** Alerts so far: the next one's idempotency key is built from seq + 1. */
  seq: number;
  /** When the state's condition began (the failure streak, the pause). */
  since: number;
  changed_at: number;
  /** The ALERT_WINDOW (its start) connector.dead_letters was last sent for. */
  dead_letters_at: number | null;
  /** When connector.backlog_capped was last sent. */
  capped_at: number | null;
}

export interface Database {
  delivery_health: DeliveryHealthTable;
  alert_states: AlertStatesTable;
  site_identities: SiteIdentitiesTable;
  site_claims: SiteClaimsTable;
  traffic_stats: TrafficStatsTable;
  partition_leases: PartitionLeasesTable;
  instances: InstancesTable;
  cluster_settings: ClusterSettingsTable;
  idempotency_keys: IdempotencyKeysTable;
  connectors: ConnectorsTable;
  bindings: BindingsTable;
  outbox_chunks: OutboxChunksTable;
  outbox_chunk_messages: OutboxChunkMessagesTable;
  dead_letters: DeadLettersTable;
  message_history: MessageHistoryTable;
  message_attempts: MessageAttemptsTable;
  replays: ReplaysTable;
}
