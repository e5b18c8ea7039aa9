import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ApiError, problemOf } from '../api-client.js';
import { useConsole } from '../console-context.js';
import { hrefOf } from '../router.js';
import { type CheckResult, CheckReport } from './check-report.js';
import { ErrorSummary, errorsByField } from './error-summary.js';
import { connectorPatch, type StoredSetup } from './connector-patch.js';
import { formBody, initialValues } from './form-schema.js';
import type { FormValues } from './form-values.js';
import type { ConnectorType } from './connector-type.js';
import { fieldId, SchemaFields } from './schema-fields.js';

type SavedAnswer = { id: string; name: string; check: CheckResult };

type Outcome =
  | { kind: 'refused'; error: ApiError }
  | { kind: 'check-failed'; check: CheckResult; message: string }
  | { kind: 'saved'; id: string; name: string; check: CheckResult };

/** A saved set-up being changed: its id and what the edit form starts from. */
export interface ExistingSetup {
  id: string;
  stored: StoredSetup;
}

/**
 * A connector's form, new or saved (`existing`). Saving checks the set-up against its destination first (`?strict=true`): a failing
 * check saves nothing and says why, with "Save anyway" for a destination that is not ready yet. A refused field
 * is shown beside its input and in a summary at the top.
 */
export function ConnectorForm({
  type,
  issued,
  existing,
}: {
  type: ConnectorType;
  issued?: Record<string, string>;
  existing?: ExistingSetup;
}) {
  const { api, siteNumber } = useConsole();
  const [values, setValues] = useState<FormValues>(() => existing?.stored.values ?? initialValues(type.schema));
  const [outcome, setOutcome] = useState<Outcome>();
  const [saving, setSaving] = useState(false);
  const save = async (strict: boolean) => {
    setSaving(true);
    try {
      const query = strict ? '?strict=true' : '';
      const saved = existing
        ? await api.send<SavedAnswer>(
            'PATCH',
            `/v1/connectors/${existing.id}${query}`,
            connectorPatch(type.schema, existing.stored, values),
          )
        : await api.send<SavedAnswer>('POST', `/v1/connectors${query}`, { type: type.type, siteNumber, ...formBody(type.schema, values) });
      setOutcome({ kind: 'saved', ...saved });
    } catch (caught) {
      // A network failure is a refusal with no field named: said, never left to an unhandled rejection.
      const error = caught instanceof ApiError ? caught : new ApiError(0, `the host could not be reached (${problemOf(caught)})`);
      const check = error.body.check as CheckResult | undefined;
      setOutcome(error.status === 422 && check ? { kind: 'check-failed', check, message: error.message } : { kind: 'refused', error });
    } finally {
      setSaving(false);
    }
  };
  if (outcome?.kind === 'saved')
    return html`
      <section class="saved" aria-labelledby="saved-heading">
        <h2 id="saved-heading" tabindex="-1" ref=${(heading: HTMLElement | null) => heading?.focus()}>
          ${existing ? `Changes to ${outcome.name} are saved` : `${outcome.name} is saved`}
        </h2>
        <${CheckReport} check=${outcome.check} />
        <p class="actions">
          <a class="button" href=${hrefOf({ page: 'add-to-source', id: outcome.id })}>Add to an audience or journey</a>
          <a href=${hrefOf({ page: 'connector', id: outcome.id })}>Open ${outcome.name}</a>
        </p>
      </section>
    `;
  const errors = outcome?.kind === 'refused' ? outcome.error.errors : [];
  return html`
    <form class="schema-form" novalidate onSubmit=${(event: Event) => (event.preventDefault(), void save(true))}>
      <h2>${type.displayName}</h2>
      <p class="help">Fields marked <span aria-hidden="true">*</span><span class="visually-hidden">with a star</span> are required.</p>
      ${outcome?.kind === 'refused' && html`<${ErrorSummary} message=${outcome.error.message} errors=${errors} idOf=${(field: string) => fieldId(field.split('.'))} />`}
      <${SchemaFields}
        schema=${type.schema}
        values=${values}
        onChange=${setValues}
        errors=${errorsByField(errors)}
        issued=${issued}
        secretsSet=${existing?.stored.secretsSet}
      />
      ${
        outcome?.kind === 'check-failed' &&
        html`<div role="alert" class="notice">
          <p>
            <strong>Not saved:</strong> its check failed. Correct the settings, or save it anyway and let delivery wait for the destination.
          </p>
          <${CheckReport} check=${outcome.check} />
          <button type="button" class="secondary" onClick=${() => void save(false)} disabled=${saving}>Save anyway</button>
        </div>`
      }
      <div class="actions">
        <button type="submit" disabled=${saving}>${saving ? 'Checking and saving…' : 'Save'}</button>
        <a href=${hrefOf(existing ? { page: 'connector', id: existing.id } : { page: 'connectors' })}>Cancel</a>
      </div>
    </form>
  `;
}
