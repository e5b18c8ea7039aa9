import { Type } from 'class-transformer';
import { IsIn } from 'class-validator';
import { STATS_WINDOWS, type StatsWindow } from '../stats/connector-stats.js';
import { OptionalField } from './optional-field.js';

/** GET /v1/connectors/:id/stats?days=7|30|90 (7 when omitted) */
export class StatsQuery {
  /** The window in days, today included. */
  @OptionalField()
  @Type(() => Number)
  @IsIn([...STATS_WINDOWS], { message: 'days must be 7, 30 or 90' })
  days?: StatsWindow;
}
