import { Inject, Injectable } from '@nestjs/common';
import type { FieldError, RoutingEvent } from '@app/connector-sdk';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { invalidInput } from '../api/field-errors.js';
import { eventsRequestSchema } from './events.schema.js';

export interface EventsRequest {
  events: RoutingEvent[];
}

/** Validates POST /v1/events with the compiled schema; a failure is a 400 naming each failing field. */
@Injectable()
export class EventsRequestValidator {
  private readonly validate: ValidateFunction<EventsRequest>;

  constructor(@Inject(HOST_CONFIG) config: HostConfig) {
    const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    this.validate = ajv.compile<EventsRequest>(eventsRequestSchema(config.maxEventsPerRequest));
  }

  parse(body: unknown): EventsRequest {
    if (this.validate(body)) return body;
    throw invalidInput((this.validate.errors ?? []).map(toFieldError));
  }
}

/** Ajv's `/events/0/profile/profileId` becomes `events[0].profile.profileId`, with a sentence about it. */
function toFieldError(error: ErrorObject): FieldError {
  let field = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') field = field ? `${field}.${params.missingProperty}` : String(params.missingProperty);
  if (error.keyword === 'additionalProperties') {
    const extra = String(params.additionalProperty);
    return { field: field ? `${field}.${extra}` : extra, message: `${field ? `${field}.${extra}` : extra} is not a known field` };
  }
  if (error.keyword === 'propertyNames') {
    return { field: field ? `${field}.${params.propertyName}` : String(params.propertyName), message: `${field || 'body'} has an invalid key "${String(params.propertyName).slice(0, 80)}"${field.endsWith('partnerIds') ? ': keys are partner numbers' : ''}` };
  }
  const subject = field || 'body';
  if (error.keyword === 'required') return { field: subject, message: `${subject} is required` };
  if (error.keyword === 'enum') return { field: subject, message: `${subject} must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
  if (error.keyword === 'pattern' && field.endsWith('sourceId')) return { field: subject, message: `${subject} must be a UUID` };
  return { field: subject, message: `${subject} ${error.message ?? 'is invalid'}` };
}
