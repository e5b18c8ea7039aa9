import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ApiError, problemOf } from '../api-client.js';
import { useConsole } from '../console-context.js';
import { ErrorSummary, errorsByField } from '../forms/error-summary.js';
import { SchemaField } from '../forms/schema-field.js';
import {
  bindingBody,
  type BindingDraft,
  bindingFieldId,
  emptyDraft,
  draftProblems,
  MAX_BINDING_PROPERTIES,
  MAX_BINDING_VARIABLES,
  type PropertyRow,
} from './binding-draft.js';
import { LimitedRows, RowInput } from '../forms/limited-rows.js';

/** A text field of the form (the console's one renderer of fields, given a schema of its own). */
function TextField(props: {
  field: string;
  title: string;
  help: string;
  value: string;
  required?: boolean;
  integer?: boolean;
  errors: Map<string, string>;
  onChange: (value: string) => void;
}) {
  const { field, title, help, value, required = false, integer = false, errors, onChange } = props;
  const schema = { title, description: help, type: integer ? 'integer' : 'string', ...(integer ? { minimum: 1 } : { maxLength: 200 }) };
  return html`<${SchemaField}
    id=${bindingFieldId(field)}
    field=${{ name: field, schema, required }}
    value=${value}
    error=${errors.get(field)}
    onChange=${(typed: unknown) => onChange(String(typed))}
  />`;
}

/**
 * The documentation's Step 2: the connector added to an audience or a journey step, with an optional source name
 * ("Fill" copies the audience's or step's name), up to 10 profile variables and 10 property-value pairs.
 */
export function BindingForm({ connectorId, onAdded }: { connectorId: string; onAdded: (sourceName: string) => void }) {
  const { api } = useConsole();
  const [draft, setDraft] = useState<BindingDraft>(emptyDraft);
  const [refused, setRefused] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  const set = (change: Partial<BindingDraft>) => setDraft((before) => ({ ...before, ...change }));
  const errors = errorsByField(refused?.errors ?? []);
  const audience = draft.sourceType === 'audience';
  const save = async () => {
    const problems = draftProblems(draft);
    if (problems.length > 0) return setRefused(new ApiError(400, 'Some rows need a correction', problems));
    setSaving(true);
    try {
      await api.send('POST', '/v1/bindings', bindingBody(connectorId, draft));
      setRefused(undefined);
      setDraft(emptyDraft());
      onAdded(draft.sourceTitle);
    } catch (error) {
      // A network failure is a refusal with no field named: said, never left to an unhandled rejection.
      setRefused(error instanceof ApiError ? error : new ApiError(0, `the host could not be reached (${problemOf(error)})`));
    } finally {
      setSaving(false);
    }
  };
  return html`
    <form class="schema-form" novalidate onSubmit=${(event: Event) => (event.preventDefault(), void save())}>
      ${refused && html`<${ErrorSummary} message=${refused.message} errors=${refused.errors} idOf=${bindingFieldId} />`}
      <fieldset class="field choice" id=${bindingFieldId('source.type')}>
        <legend>Add to</legend>
        ${(['audience', 'journey'] as const).map(
          (type) =>
            html`<label class="choice-option" key=${type}>
              <input
                type="radio"
                name="source-type"
                value=${type}
                checked=${draft.sourceType === type}
                onChange=${() => set({ sourceType: type })}
              />
              ${type === 'audience' ? 'An audience' : 'A journey step'}
            </label>`,
        )}
      </fieldset>
      <${TextField}
        field="source.id"
        title=${audience ? 'Audience ID' : 'Journey step ID'}
        required
        errors=${errors}
        help="The UUID the platform gives it: the sourceId of the messages."
        value=${draft.sourceId}
        onChange=${(sourceId: string) => set({ sourceId })}
      />
      ${
        audience &&
        html`<${TextField}
          field="source.number"
          title="Audience number"
          required
          integer
          errors=${errors}
          help="The audience's number: the sourceNumber of the messages (journey steps have none)."
          value=${draft.sourceNumber}
          onChange=${(sourceNumber: string) => set({ sourceNumber })}
        />`
      }
      <${TextField}
        field="source.name"
        title=${audience ? 'Audience name' : 'Journey step name'}
        required
        errors=${errors}
        help="Its name in the platform."
        value=${draft.sourceTitle}
        onChange=${(sourceTitle: string) => set({ sourceTitle })}
      />
      <div class="field">
        <label for=${bindingFieldId('sourceName')}>Source name</label>
        <div class="with-button">
          <input
            id=${bindingFieldId('sourceName')}
            type="text"
            maxlength=${200}
            value=${draft.sourceName}
            autocomplete="off"
            aria-describedby=${errors.has('sourceName') ? 'source-name-help source-name-error' : 'source-name-help'}
            aria-invalid=${errors.has('sourceName') ? 'true' : undefined}
            onInput=${(event: Event) => set({ sourceName: (event.currentTarget as HTMLInputElement).value })}
          />
          <button
            type="button"
            class="secondary"
            onClick=${() => set({ sourceName: draft.sourceTitle })}
            disabled=${draft.sourceTitle === ''}
          >
            Fill
          </button>
        </div>
        <p class="help" id="source-name-help">
          Optional free text the messages carry as sourceName. Fill copies the ${audience ? "audience's" : "step's"} name.
        </p>
        ${errors.get('sourceName') && html`<p class="field-error" id="source-name-error">${errors.get('sourceName')}</p>`}
      </div>
      <${LimitedRows}
        id=${bindingFieldId('profileVariables')}
        legend="Profile variables"
        addLabel="Add profile variable"
        most=${MAX_BINDING_VARIABLES}
        help="Each message's profileVars: a name, and the profile property whose value it carries."
        rows=${draft.variables}
        empty=${() => ({ name: '', property: '' })}
        error=${errors.get('profileVariables')}
        onChange=${(variables: BindingDraft['variables']) => set({ variables })}
        rowLabel=${(row: { name: string }, index: number) => `variable ${row.name || index + 1}`}
        renderRow=${(row: { name: string; property: string }, index: number, change: (row: { name: string; property: string }) => void) =>
          html` <${RowInput}
              id=${bindingFieldId(`profileVariables.${index}.name`)}
              label=${`Variable ${index + 1} name`}
              value=${row.name}
              maxLength=${64}
              error=${errors.get(`profileVariables.${index}.name`)}
              onInput=${(name: string) => change({ ...row, name })}
            />
            <${RowInput}
              id=${bindingFieldId(`profileVariables.${index}.property`)}
              label=${`Variable ${index + 1} profile property`}
              value=${row.property}
              maxLength=${128}
              error=${errors.get(`profileVariables.${index}.property`)}
              onInput=${(property: string) => change({ ...row, property })}
            />`}
      />
      <${LimitedRows}
        id=${bindingFieldId('properties')}
        legend="Properties"
        addLabel="Add property"
        most=${MAX_BINDING_PROPERTIES}
        help="Each message's data: fixed property-value pairs, text or numbers."
        rows=${draft.properties}
        empty=${(): PropertyRow => ({ key: '', value: '', numeric: false })}
        error=${errors.get('properties')}
        onChange=${(properties: PropertyRow[]) => set({ properties })}
        rowLabel=${(row: PropertyRow, index: number) => `property ${row.key || index + 1}`}
        renderRow=${(row: PropertyRow, index: number, change: (row: PropertyRow) => void) =>
          html` <${RowInput}
              id=${bindingFieldId(`properties.${index}.key`)}
              label=${`Property ${index + 1}`}
              value=${row.key}
              maxLength=${64}
              error=${errors.get(`properties.${index}.key`)}
              onInput=${(key: string) => change({ ...row, key })}
            />
            <${RowInput}
              id=${bindingFieldId(`properties.${index}.value`)}
              label=${`Property ${index + 1} value`}
              value=${row.value}
              maxLength=${1024}
              error=${errors.get(`properties.${index}.value`)}
              onInput=${(value: string) => change({ ...row, value })}
            />
            <label class="choice-option"
              ><input type="checkbox" checked=${row.numeric} onChange=${() => change({ ...row, numeric: !row.numeric })} /> Number</label
            >`}
      />
      <div class="actions">
        <button type="submit" disabled=${saving}>${saving ? 'Adding…' : 'Add'}</button>
      </div>
    </form>
  `;
}
