/** A message waiting for delivery; `seq` is its place in the delivery order. */
export interface PendingMessage {
  seq: number;
  connector_id: string;
  /** The delivery partition (a hash of connector and profile); 0 on SQLite. */
  partition: number;
  partition_key: string;
  source_id: string | null;
  body: string;
  accepted_at: number;
  attempts: number;
  next_attempt_at: number;
  /** A replayed message's first id (see ChunkMessage); absent: its id is its seq. */
  originalId?: number;
  /** The traceparent of the commit that wrote it, when tracing is on. */
  trace?: string;
}

/** A pending message as the deliveries API shows it, with its last error. */
export interface PendingView extends Omit<PendingMessage, 'body' | 'partition'> {
  last_error_code: string | null;
  last_error_message: string | null;
}
