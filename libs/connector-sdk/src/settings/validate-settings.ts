import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { EventConnector } from '../event-connector.js';
import { type FieldError, toFieldErrors } from './field-error.js';

export type SettingsValidation<TSettings> = { ok: true; settings: TSettings } | { ok: false; errors: FieldError[] };

/**
 * Validates a settings form with the connector's class. Unknown fields are refused, so a typo never passes
 * silently; error paths are prefixed with `settings.`.
 */
export function validateSettings<TSettings extends object>(
  connector: EventConnector<TSettings>,
  raw: unknown,
): SettingsValidation<TSettings> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: 'settings', message: 'settings must be an object' }] };
  }
  // class-transformer skips keys named like Object.prototype's members, so the whitelist would not see them.
  const reserved = Object.keys(raw).find((key) => key in Object.prototype);
  if (reserved !== undefined)
    return { ok: false, errors: [{ field: `settings.${reserved}`, message: `property ${reserved} should not exist` }] };
  const settings = plainToInstance(connector.settingsClass, raw);
  const errors = validateSync(settings, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) return { ok: false, errors: toFieldErrors(errors, 'settings') };
  return { ok: true, settings };
}
