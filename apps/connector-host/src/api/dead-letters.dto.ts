import { OptionalField } from './optional-field.js';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min } from 'class-validator';

/** GET /v1/connectors/:id/dead-letters?limit=&after= */
export class ListDeadLettersQuery {
  @OptionalField()
  @Type(() => Number)
  @Max(1000, { message: 'limit must be at most 1000' })
  @Min(1, { message: 'limit must be at least 1' })
  @IsInt({ message: 'limit must be an integer' })
  limit?: number;

  /** The `nextAfter` of the previous page. */
  @OptionalField()
  @Type(() => Number)
  @Min(0, { message: 'after must not be negative' })
  @IsInt({ message: 'after must be an integer' })
  after?: number;
}

/** POST /v1/connectors/:id/dead-letters/replay: all dead letters, or the given ones. */
export class ReplayDeadLettersDto {
  @OptionalField()
  @Min(1, { each: true, message: 'ids must be positive integers' })
  @IsInt({ each: true, message: 'ids must be integers' })
  @ArrayMaxSize(10_000, { message: 'ids must have at most 10000 entries' })
  @ArrayMinSize(1, { message: 'ids must not be empty: omit it to replay all' })
  @IsArray({ message: 'ids must be an array of dead-letter ids' })
  ids?: number[];
}

/** POST /v1/connectors/:id/dead-letters/delete: all dead letters, or the given ones. */
export class DeleteDeadLettersDto {
  @OptionalField()
  @Min(1, { each: true, message: 'ids must be positive integers' })
  @IsInt({ each: true, message: 'ids must be integers' })
  @ArrayMaxSize(10_000, { message: 'ids must have at most 10000 entries' })
  @ArrayMinSize(1, { message: 'ids must not be empty: omit it to delete all' })
  @IsArray({ message: 'ids must be an array of dead-letter ids' })
  ids?: number[];
}
