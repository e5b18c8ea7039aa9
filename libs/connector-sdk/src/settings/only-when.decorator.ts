import 'reflect-metadata';
import { ValidateBy, ValidateIf } from 'class-validator';
import type { SettingsClass } from './settings-field.decorator.js';

/** When a field belongs to the form: while `field` has one of `values` (`undefined`: while it is left out). */
export interface FieldCondition {
  /** The field that decides, e.g. `credentialMode`. */
  field: string;
  values: readonly (string | undefined)[];
}

/** One field that belongs to the form only under its condition. */
export interface ConditionalField extends FieldCondition {
  name: string;
  /** Whether it may be left out even while its condition holds. */
  optional: boolean;
}

const CONDITIONAL = Symbol('event-connectors:conditional-fields');

const holds = (condition: FieldCondition, object: object): boolean =>
  condition.values.includes((object as Record<string, unknown>)[condition.field] as string | undefined);

/** `credentialMode is assumeRole`, `streamArn is left out`: the condition in words, for error messages. */
export function describeCondition({ field, values }: FieldCondition): string {
  const words = values.map((value) => (value === undefined ? 'left out' : value));
  return `${field} is ${words.join(' or ')}`;
}

/**
 * A settings field that belongs to the form only while another field has one of `values`: a form with choices
 * (keys or a role; a stream by name or by ARN). While the condition holds the field's own validators run
 * (required unless `optional`); while it does not, the field must be left out, so a value of the other choice
 * never lingers unused beside the chosen one. Put it last (nearest the property): it is checked first.
 * The form's JSON Schema says the same with if/then/else (settingsJsonSchema).
 *
 * @example
 * ＠SettingsField({ title: 'Role ARN', description: '…' })
 * ＠Matches(ROLE_ARN)
 * ＠OnlyWhen('credentialMode', ['assumeRole'])
 * roleArn?: string;
 */
export function OnlyWhen(field: string, values: readonly (string | undefined)[], options: { optional?: boolean } = {}): PropertyDecorator {
  const condition: FieldCondition = { field, values };
  const optional = options.optional ?? false;
  const present = ValidateIf((object: object, value: unknown) => value !== undefined || (!optional && holds(condition, object)));
  const belongs = ValidateBy({
    name: 'onlyWhen',
    validator: {
      validate: (value: unknown, args) => value === undefined || holds(condition, args!.object),
      defaultMessage: (args) => `${args!.property} is only used when ${describeCondition(condition)}: leave it out`,
    },
  });
  return (target: object, property: string | symbol) => {
    if (typeof property !== 'string') throw new Error('@OnlyWhen() goes on a named property');
    belongs(target, property);
    present(target, property);
    const settingsClass = target.constructor as SettingsClass;
    const fields = [...conditionalFieldsOf(settingsClass).filter((known) => known.name !== property)];
    fields.push({ name: property, ...condition, optional });
    Reflect.defineMetadata(CONDITIONAL, fields, settingsClass);
  };
}

/** The fields declared with `@OnlyWhen()`, inherited ones included. */
export function conditionalFieldsOf(settingsClass: SettingsClass): ConditionalField[] {
  return (Reflect.getMetadata(CONDITIONAL, settingsClass) as ConditionalField[] | undefined) ?? [];
}
