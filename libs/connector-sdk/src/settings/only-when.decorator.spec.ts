import { Ajv2020 } from 'ajv/dist/2020.js';
import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { describe, expect, it } from 'vitest';
import type { EventConnector } from '../event-connector.js';
import { conditionalFieldsOf, OnlyWhen } from './only-when.decorator.js';
import { SettingsField } from './settings-field.decorator.js';
import { settingsJsonSchema } from './settings-schema.js';
import { validateSettings } from './validate-settings.js';

class ChoiceSettings {
  @SettingsField({ title: 'Mode', description: 'keys (default) or role' })
  @IsIn(['keys', 'role'], { message: 'mode must be keys or role' })
  @IsOptional()
  mode?: 'keys' | 'role';

  @SettingsField({ title: 'Key', description: 'The key.', credential: true })
  @IsString({ message: 'key must be a string' })
  @IsNotEmpty({ message: 'key is required' })
  @OnlyWhen('mode', [undefined, 'keys'])
  key?: string;

  @SettingsField({ title: 'Role', description: 'The role.' })
  @IsString({ message: 'role must be a string' })
  @IsNotEmpty({ message: 'role is required' })
  @OnlyWhen('mode', ['role'])
  role?: string;

  @SettingsField({ title: 'Session', description: 'Optional with a role.' })
  @IsString({ message: 'session must be a string' })
  @OnlyWhen('mode', ['role'], { optional: true })
  session?: string;
}

const connector = {
  type: 'choice',
  displayName: 'Choice',
  settingsClass: ChoiceSettings,
  open: () => undefined,
} as unknown as EventConnector;
const errorsOf = (form: Record<string, unknown>) => {
  const result = validateSettings(connector, form);
  return result.ok ? [] : result.errors;
};

describe('@OnlyWhen', () => {
  it('requires a field while its condition holds, the default (left out) included', () => {
    expect(errorsOf({ key: 'k' })).toEqual([]);
    expect(errorsOf({ mode: 'keys', key: 'k' })).toEqual([]);
    expect(errorsOf({})).toEqual([{ field: 'settings.key', message: 'key is required' }]);
    expect(errorsOf({ mode: 'role' })).toEqual([{ field: 'settings.role', message: 'role is required' }]);
    expect(errorsOf({ mode: 'role', role: 'r' })).toEqual([]);
    expect(errorsOf({ mode: 'role', role: 'r', session: 's' })).toEqual([]);
  });

  it('refuses a field of the other choice, naming it and the condition it belongs to, before its own checks', () => {
    expect(errorsOf({ key: 'k', role: 'r' })).toEqual([
      { field: 'settings.role', message: 'role is only used when mode is role: leave it out' },
    ]);
    expect(errorsOf({ mode: 'role', role: 'r', key: 5 })).toEqual([
      { field: 'settings.key', message: 'key is only used when mode is left out or keys: leave it out' },
    ]);
    expect(errorsOf({ key: 'k', session: 's' })).toEqual([
      { field: 'settings.session', message: 'session is only used when mode is role: leave it out' },
    ]);
  });

  it('still runs the field’s own validators under its condition', () => {
    expect(errorsOf({ mode: 'role', role: 7 })).toEqual([{ field: 'settings.role', message: 'role must be a string' }]);
  });

  it('is recorded per class with its condition', () => {
    expect(conditionalFieldsOf(ChoiceSettings)).toEqual([
      { name: 'key', field: 'mode', values: [undefined, 'keys'], optional: false },
      { name: 'role', field: 'mode', values: ['role'], optional: false },
      { name: 'session', field: 'mode', values: ['role'], optional: true },
    ]);
  });

  it('writes the same rules into the JSON Schema of the form, which a validator then enforces alike', () => {
    const schema = settingsJsonSchema(connector);
    expect(schema.required ?? []).toEqual([]);
    expect(schema.allOf).toHaveLength(2);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const cases: [Record<string, unknown>, boolean][] = [
      [{ key: 'k' }, true],
      [{ mode: 'keys', key: 'k' }, true],
      [{}, false],
      [{ key: 'k', role: 'r' }, false],
      [{ mode: 'role', role: 'r' }, true],
      [{ mode: 'role', role: 'r', session: 's' }, true],
      [{ mode: 'role' }, false],
      [{ mode: 'role', role: 'r', key: 'k' }, false],
      [{ key: 'k', session: 's' }, false],
    ];
    for (const [form, valid] of cases) {
      expect(validate(form), JSON.stringify(form)).toBe(valid);
      expect(errorsOf(form).length === 0, JSON.stringify(form)).toBe(valid);
    }
  });
});
