import Type, { type Static } from 'typebox';
import { ISO_TIME } from '../common/schema-parts.js';

/** A partition as GET /health/cluster shows it. */
export const PartitionLeaseViewSchema = Type.Object(
  {
    partition: Type.Integer(),
    epoch: Type.Integer(),
    /** How long the lease has left by the database's clock (negative: lapsed, up for taking). */
    expiresInMs: Type.Number(),
  },
  { additionalProperties: false },
);
export type PartitionLeaseView = Static<typeof PartitionLeaseViewSchema>;

export const InstanceViewSchema = Type.Object(
  {
    id: Type.String(),
    role: Type.Enum(['all', 'intake', 'delivery']),
    startedAt: ISO_TIME,
    /** Since its last heartbeat, by the database's clock. */
    heartbeatAgeMs: Type.Number(),
    /** Heartbeat within the lease TTL: counted when partitions are shared out. */
    live: Type.Boolean(),
    partitions: Type.Array(PartitionLeaseViewSchema),
  },
  { additionalProperties: false },
);
export type InstanceView = Static<typeof InstanceViewSchema>;

/** The answer to GET /health/cluster: who is in the cluster and who delivers what. */
export const ClusterViewSchema = Type.Object(
  {
    engine: Type.Enum(['sqlite', 'postgres']),
    instanceId: Type.String(),
    partitions: Type.Integer({ minimum: 1 }),
    leaseTtlMs: Type.Integer(),
    instances: Type.Array(InstanceViewSchema),
    /** Partitions no live lease covers: their messages wait for an instance to claim them. */
    unowned: Type.Array(Type.Integer()),
  },
  { additionalProperties: false },
);
export type ClusterView = Static<typeof ClusterViewSchema>;
