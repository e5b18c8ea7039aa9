import { Inject, Injectable } from '@nestjs/common';
import type { FieldError, RoutingEvent } from '@event-connectors/connector-sdk';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { InvalidInputError } from '../common/domain-errors.js';
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
    throw new InvalidInputError((this.validate.errors ?? []).map((error) => toFieldError(error, body)));
  }
}

/** Ajv's `/events/0/profile/partnerIds/33/0` becomes `events[0].profile.partnerIds.33[0]`: indices of arrays only. */
function fieldPath(instancePath: string, body: unknown): string {
  let path = '';
  let node: unknown = body;
  for (const raw of instancePath.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = Array.isArray(node) ? `${path}[${part}]` : path ? `${path}.${part}` : part;
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return path;
}

/** One Ajv error as a field and a sentence that names it. */
function toFieldError(error: ErrorObject, body: unknown): FieldError {
  const at = fieldPath(error.instancePath, body);
  const child = (name: unknown) => (at ? `${at}.${String(name)}` : String(name));
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) {
    const field = child(error.propertyName);
    const hint = at.endsWith('partnerIds') ? ': keys are partner numbers (positive integers)' : '';
    return { field, message: `${field} is not a valid key${hint}` };
  }
  switch (error.keyword) {
    case 'required':
      return { field: child(params.missingProperty), message: `${child(params.missingProperty)} is required` };
    case 'additionalProperties':
      return { field: child(params.additionalProperty), message: `${child(params.additionalProperty)} is not a known field` };
    case 'enum':
      return { field: at, message: `${at} must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'pattern':
      if (at.endsWith('sourceId')) return { field: at, message: `${at} must be a UUID` };
  }
  const subject = at || 'body';
  return { field: subject, message: `${subject} ${error.message ?? 'is invalid'}` };
}
