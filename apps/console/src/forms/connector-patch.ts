import { type PropertySchema, shownFields } from './form-schema.js';
import { bodyOf, type FormValues } from './form-values.js';

/** A saved set-up as the edit form starts from it: its values, and which write-only fields it holds. */
export interface StoredSetup {
  values: FormValues;
  /** Paths of the write-only fields set (`settings.secretAccessKey`), from the view's `<name>Set: true`. */
  secretsSet: ReadonlySet<string>;
}

/**
 * A saved set-up's view (GET /v1/connectors/:id) as the edit form's values: `<name>Set` flags become the set
 * secrets (never values: the host never returns them), a map becomes its rows.
 */
export function storedSetup(
  schema: PropertySchema,
  view: { name: string; partnerNumber: number; settings: Record<string, unknown> },
): StoredSetup {
  const settingsSchema = schema.properties?.settings?.properties ?? {};
  const settings: FormValues = {};
  const secretsSet = new Set<string>();
  for (const [name, property] of Object.entries(settingsSchema)) {
    if (view.settings[`${name}Set`] === true) secretsSet.add(`settings.${name}`);
    const value = view.settings[name];
    if (value === undefined || property.writeOnly) continue;
    settings[name] = property.type === 'object' && value !== null && typeof value === 'object' ? Object.entries(value) : value;
  }
  for (const [name, property] of Object.entries(settingsSchema))
    if (property.enum && settings[name] === undefined) settings[name] = property.enum[0];
  return { values: { name: view.name, partnerNumber: view.partnerNumber, settings }, secretsSet };
}

/**
 * PATCH /v1/connectors/:id's body for what the edit form holds. The host keeps every setting the body leaves out
 * (secrets above all), so: a typed value is sent, an empty secret that is set is left out (kept) unless the tenant
 * asked to remove it (its value is null), a field cleared or no longer called for by the choices (the access keys
 * once a role is chosen) is sent as null (removed), and an issued field is never sent. The fields around the
 * settings go as typed, an emptied one too, for the host to refuse by name rather than keep silently.
 */
export function connectorPatch(schema: PropertySchema, stored: StoredSetup, values: FormValues): FormValues {
  const settingsSchema = schema.properties?.settings ?? {};
  const typed = (values.settings ?? {}) as FormValues;
  const sent = bodyOf(typed);
  const shown = new Set(shownFields(settingsSchema, typed).map((field) => field.name));
  const before = (stored.values.settings ?? {}) as FormValues;
  const settings: FormValues = {};
  for (const [name, property] of Object.entries(settingsSchema.properties ?? {})) {
    if (property.readOnly) continue;
    const held = before[name] !== undefined || stored.secretsSet.has(`settings.${name}`);
    if (!shown.has(name) || typed[name] === null) {
      if (held) settings[name] = null;
    } else if (sent[name] !== undefined) settings[name] = sent[name];
    else if (before[name] !== undefined) settings[name] = null;
  }
  const around: FormValues = {};
  for (const name of Object.keys(schema.properties ?? {}))
    if (name !== 'settings' && values[name] !== undefined) around[name] = values[name];
  return { ...around, settings };
}
