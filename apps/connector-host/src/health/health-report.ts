import Type, { type Static } from 'typebox';
import { mapOf } from '../common/schema-parts.js';

const INDICATORS = mapOf(Type.Object({ status: Type.String() }));

/** Terminus' report of GET /health/live and /health/ready, on 200 and 503 alike: `error` lists the failing indicators. */
export const HealthReportSchema = Type.Object(
  {
    status: Type.Enum(['ok', 'error', 'shutting_down']),
    info: Type.Optional(INDICATORS),
    error: Type.Optional(INDICATORS),
    details: INDICATORS,
  },
  { additionalProperties: false },
);
export type HealthReport = Static<typeof HealthReportSchema>;
