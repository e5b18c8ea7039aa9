import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { IsSourceId } from '../common/source-id.js';
import { OptionalField } from './optional-field.js';

/** POST /v1/connectors/:id/replays: the settled messages accepted in [from, to] to send again, filtered. */
export class ReplayDto {
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  @IsDefined({ message: 'from is required' })
  from!: string;

  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  @IsDefined({ message: 'to is required' })
  to!: string;

  @OptionalField()
  @IsIn(['delivered', 'dead_lettered'], { each: true, message: 'outcomes must hold delivered and/or dead_lettered' })
  @ArrayMaxSize(2, { message: 'outcomes must have at most 2 entries' })
  @ArrayMinSize(1, { message: 'outcomes must not be empty: omit it to replay both' })
  @IsArray({ message: 'outcomes must be an array' })
  outcomes?: ('delivered' | 'dead_lettered')[];

  @OptionalField()
  @IsSourceId('sourceId')
  sourceId?: string;
}

/** The most replays one list shows: each costs a count of what it delivered. */
export const MAX_LISTED_REPLAYS = 20;

/** GET /v1/connectors/:id/replays?limit= */
export class ListReplaysQuery {
  @IsOptional()
  @Type(() => Number)
  @Max(MAX_LISTED_REPLAYS, { message: `limit must be at most ${MAX_LISTED_REPLAYS}` })
  @Min(1, { message: 'limit must be at least 1' })
  @IsInt({ message: 'limit must be an integer' })
  limit?: number;
}
