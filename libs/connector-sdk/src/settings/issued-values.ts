import type { EventConnector } from '../event-connector.js';
import { conditionalFieldsOf } from './only-when.decorator.js';
import { type IssuedValue, issuedFieldsOf } from './settings-field.decorator.js';

/**
 * A form with the host's issued values in place: every issued field the form's choices call for (its `@OnlyWhen()`
 * condition holds) gets its value, and any other value of an issued field is dropped, whoever put it there.
 *
 * @example withIssuedValues(kinesis, { credentialMode: 'assumeRole', roleArn }, { tenantExternalId: 'ec-7-…' })
 */
export function withIssuedValues(
  connector: EventConnector,
  settings: Record<string, unknown>,
  values: Readonly<Record<IssuedValue, string>>,
): Record<string, unknown> {
  const conditions = new Map(conditionalFieldsOf(connector.settingsClass).map((field) => [field.name, field]));
  const filled = { ...settings };
  for (const { name, issued } of issuedFieldsOf(connector.settingsClass)) {
    delete filled[name];
    const condition = conditions.get(name);
    if (!condition || condition.values.includes(filled[condition.field] as string | undefined)) filled[name] = values[issued];
  }
  return filled;
}
