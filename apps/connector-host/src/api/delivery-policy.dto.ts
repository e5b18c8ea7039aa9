import { IsInt, ValidateIf } from 'class-validator';
import type { DeliveryPolicy } from '../setups/delivery-policy.js';
import { OptionalField } from './optional-field.js';

/** `deliveryPolicy` of a connector's form: the types here; the host's bounds are checked by the service (named errors). */
export class DeliveryPolicyDto implements DeliveryPolicy {
  @OptionalField()
  @IsInt({ message: 'deliveryPolicy.maxMessageAgeSeconds must be an integer' })
  maxMessageAgeSeconds?: number;

  @OptionalField()
  @IsInt({ message: 'deliveryPolicy.retryFirstDelayMs must be an integer' })
  retryFirstDelayMs?: number;

  @OptionalField()
  @IsInt({ message: 'deliveryPolicy.retryMaxDelayMs must be an integer' })
  retryMaxDelayMs?: number;

  /** Null: the connector's own limit (what the view shows when none is chosen). */
  @ValidateIf((_object: unknown, value: unknown) => value !== undefined && value !== null)
  @IsInt({ message: 'deliveryPolicy.maxRecordsPerCall must be an integer or null' })
  maxRecordsPerCall?: number | null;

  @OptionalField()
  @IsInt({ message: 'deliveryPolicy.maxCallsInFlight must be an integer' })
  maxCallsInFlight?: number;
}
