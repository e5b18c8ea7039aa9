import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsSourceId } from '../common/source-id.js';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** An optional `?siteNumber=` filter: a positive 32-bit integer. */
const SiteNumberFilter = () =>
  applyDecorators(
    IsOptional(),
    Type(() => Number),
    Max(2_147_483_647, { message: 'siteNumber must be at most 2147483647' }),
    Min(1, { message: 'siteNumber must be a positive integer' }),
    IsInt({ message: 'siteNumber must be an integer' }),
  );

/** An optional `?profileId=` filter. */
const ProfileIdFilter = () =>
  applyDecorators(
    IsOptional(),
    MaxLength(256, { message: 'profileId must be at most 256 characters' }),
    IsString({ message: 'profileId must be a string' }),
  );

/** An optional `?limit=` of a search: 1 to 500. */
const SearchLimit = () =>
  applyDecorators(
    IsOptional(),
    Type(() => Number),
    Max(500, { message: 'limit must be at most 500' }),
    Min(1, { message: 'limit must be at least 1' }),
    IsInt({ message: 'limit must be an integer' }),
  );

/** GET /v1/connectors?siteNumber=&type= */
export class ListConnectorsQuery {
  @SiteNumberFilter()
  siteNumber?: number;

  @IsOptional()
  @IsString({ message: 'type must be a string' })
  type?: string;
}

/** GET /v1/bindings?connectorId=&sourceId=&siteNumber= */
export class ListBindingsQuery {
  @IsOptional()
  @IsUUID('all', { message: 'connectorId must be a UUID' })
  connectorId?: string;

  @IsOptional()
  @IsSourceId('sourceId')
  sourceId?: string;

  @SiteNumberFilter()
  siteNumber?: number;
}

/** POST/PATCH /v1/connectors?strict=true: refuse a set-up whose check fails. */
export class SaveConnectorQuery {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'strict must be true or false' })
  strict?: 'true' | 'false';
}

/** GET /v1/deliveries?profileId=&sourceId=&connectorId=&limit= (at least one filter) */
export class DeliveriesQuery {
  @ProfileIdFilter()
  profileId?: string;

  @IsOptional()
  @IsSourceId('sourceId')
  sourceId?: string;

  @IsOptional()
  @IsUUID('all', { message: 'connectorId must be a UUID' })
  connectorId?: string;

  @SearchLimit()
  limit?: number;
}

/** GET /v1/connectors/:id/messages?profileId=&sourceId=&outcome=&from=&to=&cursor=&limit= */
export class ListMessagesQuery {
  @ProfileIdFilter()
  profileId?: string;

  @IsOptional()
  @IsSourceId('sourceId')
  sourceId?: string;

  @IsOptional()
  @IsIn(['pending', 'delivered', 'dead_lettered'], { message: 'outcome must be one of pending, delivered, dead_lettered' })
  outcome?: 'pending' | 'delivered' | 'dead_lettered';

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @IsOptional()
  @Matches(/^[0-9]{1,16}$/, { message: 'cursor must be the `next` of a previous page' })
  cursor?: string;

  @SearchLimit()
  limit?: number;
}
