import type { FieldError } from '../api-client.js';
// The SDK's own limits and types, from their file (it imports types only: nothing but two numbers is bundled).
import { type BindingSpec, MAX_BINDING_PROPERTIES, MAX_BINDING_VARIABLES } from '../../../../libs/connector-sdk/src/message/binding.js';

export { MAX_BINDING_PROPERTIES, MAX_BINDING_VARIABLES };

/** GET /v1/bindings: a connector attached to an audience or journey step. */
export type BindingView = BindingSpec & { id: string; connectorId: string; createdAt: string };

/** A property-value pair as typed: its value sent as a number only when the tenant says it is one. */
export interface PropertyRow {
  key: string;
  value: string;
  numeric: boolean;
}

/** The "Add to audience or journey" form as typed. */
export interface BindingDraft {
  sourceType: 'audience' | 'journey';
  sourceId: string;
  sourceNumber: string;
  /** The audience's or journey step's name. */
  sourceTitle: string;
  /** What the messages carry as `sourceName` ("Fill" copies the audience's or step's name). */
  sourceName: string;
  variables: { name: string; property: string }[];
  properties: PropertyRow[];
}

export const emptyDraft = (): BindingDraft => ({
  sourceType: 'audience',
  sourceId: '',
  sourceNumber: '',
  sourceTitle: '',
  sourceName: '',
  variables: [],
  properties: [],
});

/**
 * POST /v1/bindings's body. Fields are sent as typed (a number that is not one goes as text, so the host names
 * it); untouched rows are left out, and the host refuses what is wrong, field by field.
 */
export function bindingBody(connectorId: string, draft: BindingDraft): Record<string, unknown> {
  const number = draft.sourceNumber.trim();
  const source =
    draft.sourceType === 'audience'
      ? {
          type: 'audience',
          id: draft.sourceId.trim(),
          number: number === '' ? undefined : /^\d+$/.test(number) ? Number(number) : number,
          name: draft.sourceTitle,
        }
      : { type: 'journey', id: draft.sourceId.trim(), name: draft.sourceTitle };
  const variables = draft.variables.filter((row) => row.name !== '' || row.property !== '');
  const properties = draft.properties.filter((row) => row.key !== '' || row.value !== '');
  return {
    connectorId,
    source,
    ...(draft.sourceName !== '' && { sourceName: draft.sourceName }),
    ...(variables.length > 0 && { profileVariables: variables }),
    ...(properties.length > 0 && {
      properties: Object.fromEntries(
        properties.map((row) => [row.key, row.numeric && NUMBER.test(row.value.trim()) ? Number(row.value.trim()) : row.value]),
      ),
    }),
  };
}

/** A number as a tenant types one: digits, a sign, a decimal point (no hex, no exponent, no thousands separator). */
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * What the host would not refuse but the tenant did not mean, found before sending: a value marked as a number
 * that is none (it would go as text), a property key given twice (one value would be lost).
 */
export function draftProblems(draft: BindingDraft): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  draft.properties.forEach((row, index) => {
    if (row.key !== '' && seen.has(row.key))
      problems.push({ field: `properties.${index}.key`, message: `property ${row.key} is given twice: each key once` });
    seen.add(row.key);
    if (row.numeric && !NUMBER.test(row.value.trim()))
      problems.push({
        field: `properties.${index}.value`,
        message: `property ${row.key || index + 1} is marked as a number: type digits, like 12 or -3.5`,
      });
  });
  return problems;
}

/** The id of the input a refused field (`source.id`, `profileVariables.2.name`) is shown beside. */
export const bindingFieldId = (field: string) => `binding-${field.replace(/\./g, '-')}`;
