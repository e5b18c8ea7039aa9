import { MAX_INT32 } from '../common/schema-parts.js';
import { IsDefined, IsInt, Max, Min } from 'class-validator';
import { MAX_SESSION_SECONDS } from '../sessions/console-sessions.js';
import { OptionalField } from './optional-field.js';

/** POST /v1/console-sessions: the site the console opens for, and for how long. */
export class ConsoleSessionDto {
  @Max(MAX_INT32, { message: `siteNumber must be at most ${MAX_INT32}` })
  @Min(1, { message: 'siteNumber must be a positive integer' })
  @IsInt({ message: 'siteNumber must be an integer' })
  @IsDefined({ message: 'siteNumber is required' })
  siteNumber!: number;

  @OptionalField()
  @Max(MAX_SESSION_SECONDS, { message: `ttlSeconds must be at most ${MAX_SESSION_SECONDS} (12 hours)` })
  @Min(60, { message: 'ttlSeconds must be at least 60' })
  @IsInt({ message: 'ttlSeconds must be an integer' })
  ttlSeconds?: number;
}
