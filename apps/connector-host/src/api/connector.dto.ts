import { MAX_INT32 } from '../common/schema-parts.js';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsObject, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { ConnectorPatch, NewConnector } from '../setups/connector-setups.service.js';
import { DeliveryPolicyDto } from './delivery-policy.dto.js';
import { OptionalField } from './optional-field.js';

// Decorators are checked bottom-up and only the first failure is reported: the bottom one is the most basic.

/** POST /v1/connectors */
export class CreateConnectorDto implements NewConnector {
  /** A loaded connector type, e.g. `kinesis` (see GET /v1/connector-types). */
  @IsString({ message: 'type must be a string' })
  @IsNotEmpty({ message: 'type is required' })
  type!: string;

  /** The Data Activation instance the connector belongs to. */
  @Max(MAX_INT32, { message: `siteNumber must be at most ${MAX_INT32}` })
  @Min(1, { message: 'siteNumber must be a positive integer' })
  @IsInt({ message: 'siteNumber must be an integer' })
  siteNumber!: number;

  /** Display name used throughout the platform. */
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  name!: string;

  /** The partner number whose identifiers the connector receives. */
  @Max(MAX_INT32, { message: `partnerNumber must be at most ${MAX_INT32}` })
  @Min(1, { message: 'partnerNumber must be a positive integer' })
  @IsInt({ message: 'partnerNumber must be an integer' })
  partnerNumber!: number;

  /** The connector type's own form, validated by its settings class. */
  @IsObject({ message: 'settings must be an object' })
  settings!: Record<string, unknown>;

  /** Whether events are delivered; default true. */
  @OptionalField()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  /** How it delivers, within the host's bounds; absent fields take the host's values. */
  @OptionalField()
  @ValidateNested()
  @Type(() => DeliveryPolicyDto)
  @IsObject({ message: 'deliveryPolicy must be an object' })
  deliveryPolicy?: DeliveryPolicyDto;
}

/** PATCH /v1/connectors/:id: type and siteNumber never change; omitted secrets are kept. */
export class UpdateConnectorDto implements ConnectorPatch {
  @OptionalField()
  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name must not be empty' })
  name?: string;

  @OptionalField()
  @Max(MAX_INT32, { message: `partnerNumber must be at most ${MAX_INT32}` })
  @Min(1, { message: 'partnerNumber must be a positive integer' })
  @IsInt({ message: 'partnerNumber must be an integer' })
  partnerNumber?: number;

  /** Settings to change; fields not given keep their values (secrets included). */
  @OptionalField()
  @IsObject({ message: 'settings must be an object' })
  settings?: Record<string, unknown>;

  @OptionalField()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  /** Replaces the whole policy: fields left out take the host's values again. */
  @OptionalField()
  @ValidateNested()
  @Type(() => DeliveryPolicyDto)
  @IsObject({ message: 'deliveryPolicy must be an object' })
  deliveryPolicy?: DeliveryPolicyDto;
}
