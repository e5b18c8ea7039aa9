import { ValidateIf } from 'class-validator';

/**
 * An optional body field: it may be left out, but when present it is validated, `null` included.
 * (class-validator's IsOptional lets null through unchecked, so `"enabled": null` would pass as absent.)
 */
export const OptionalField = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);
