import { MAX_INT32 } from '../common/schema-parts.js';
import { MAX_BINDING_PROPERTIES, MAX_BINDING_VARIABLES } from '@event-connectors/connector-sdk';
import type { NewBinding } from '../setups/bindings.service.js';
import { IsSourceId } from '../common/source-id.js';
import { OptionalField } from './optional-field.js';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUUID,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

const MAX_PROPERTY_KEY_LENGTH = 64;
const MAX_PROPERTY_VALUE_LENGTH = 1024;

// Decorators are checked bottom-up and only the first failure is reported: the bottom one is the most basic.

/** The audience or journey step a connector is attached to. */
export class BindingSourceDto {
  @IsIn(['audience', 'journey'], { message: 'type must be "audience" or "journey"' })
  type!: 'audience' | 'journey';

  /** The audience or journey step id: the `sourceId` of the messages. */
  @IsSourceId('id')
  @IsNotEmpty({ message: 'id is required' })
  id!: string;

  /** The audience number (`sourceNumber`); journey steps have none. */
  @IsSourceNumber()
  number?: number;

  @MaxLength(200, { message: 'name must be at most 200 characters' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  name!: string;
}

/** An audience needs a positive integer number; a journey step must not have one. */
function IsSourceNumber() {
  return ValidateBy({
    name: 'isSourceNumber',
    validator: {
      validate: (value: unknown, args) => sourceNumberProblem(value, (args?.object as BindingSourceDto).type) === undefined,
      defaultMessage: (args) => `number ${sourceNumberProblem(args?.value, (args?.object as BindingSourceDto).type)}`,
    },
  });
}

function sourceNumberProblem(value: unknown, type: string): string | undefined {
  if (type === 'journey') return value === undefined || value === null ? undefined : 'is for audiences only: a journey step has no number';
  if (value === undefined || value === null) return 'is required for an audience';
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_INT32)
    return `must be an integer from 1 to ${MAX_INT32}`;
  return undefined;
}

/** profileVars[name] takes the profile property `property`. */
export class ProfileVariableDto {
  @MaxLength(64, { message: 'name must be at most 64 characters' })
  @IsString({ message: 'name must be a string' })
  @IsNotEmpty({ message: 'name is required' })
  name!: string;

  @MaxLength(128, { message: 'property must be at most 128 characters' })
  @IsString({ message: 'property must be a string' })
  @IsNotEmpty({ message: 'property is required' })
  property!: string;
}

/** Up to 10 keys, each mapped to a string or a finite number. */
function IsBindingProperties() {
  return ValidateBy({
    name: 'isBindingProperties',
    validator: {
      validate: (value: unknown) => bindingPropertiesProblem(value) === undefined,
      defaultMessage: (args) => `properties ${bindingPropertiesProblem(args?.value)}`,
    },
  });
}

function bindingPropertiesProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  const entries = Object.entries(value);
  if (entries.length > MAX_BINDING_PROPERTIES) return `must have at most ${MAX_BINDING_PROPERTIES} keys, got ${entries.length}`;
  for (const [key, item] of entries) {
    if (key.length === 0 || key.length > MAX_PROPERTY_KEY_LENGTH)
      return `keys must be 1 to ${MAX_PROPERTY_KEY_LENGTH} characters, got "${key.slice(0, 80)}"`;
    if (typeof item === 'number' && Number.isFinite(item)) continue;
    if (typeof item === 'string' && item.length <= MAX_PROPERTY_VALUE_LENGTH) continue;
    return `.${key} must be a string of at most ${MAX_PROPERTY_VALUE_LENGTH} characters or a finite number`;
  }
  return undefined;
}

/** POST /v1/bindings */
export class CreateBindingDto implements NewBinding {
  @IsUUID('all', { message: 'connectorId must be a UUID' })
  @IsNotEmpty({ message: 'connectorId is required' })
  connectorId!: string;

  @ValidateNested()
  @Type(() => BindingSourceDto)
  @IsObject({ message: 'source must be an object: { type, id, number?, name }' })
  source!: BindingSourceDto;

  /** Sent as `sourceName`; "" when absent. */
  @OptionalField()
  @MaxLength(200, { message: 'sourceName must be at most 200 characters' })
  @IsString({ message: 'sourceName must be a string' })
  sourceName?: string;

  @OptionalField()
  @ValidateNested({ each: true })
  @Type(() => ProfileVariableDto)
  @ArrayUnique((variable: ProfileVariableDto) => variable?.property, {
    message: 'profileVariables must map distinct properties: a property mapped twice only makes every message larger',
  })
  @ArrayUnique((variable: ProfileVariableDto) => variable?.name, { message: 'profileVariables must have distinct names' })
  @ArrayMaxSize(MAX_BINDING_VARIABLES, { message: `profileVariables must have at most ${MAX_BINDING_VARIABLES} entries` })
  @IsArray({ message: 'profileVariables must be an array of { name, property }' })
  profileVariables?: ProfileVariableDto[];

  @OptionalField()
  @IsBindingProperties()
  properties?: Record<string, string | number>;
}
