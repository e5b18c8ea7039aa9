import 'reflect-metadata';
import { JSONSchema } from 'class-validator-jsonschema';

/** What a platform UI needs to render one settings field, and how the host must treat its value. */
export interface SettingsFieldOptions {
  /** The field's label, e.g. `Secret access key`. */
  title: string;
  /** One or two sentences shown under the field. */
  description: string;
  /** Write-only: never returned by an API, never logged, encrypted at rest. */
  secret?: boolean;
  /**
   * Changing this field requires the stored secrets again (e.g. an access key id, or the URL the secrets are sent
   * to), so a stored secret is never used with another identity or sent to another place.
   */
  credential?: boolean;
  /**
   * The host issues this value, one per tenant (site), stable and unguessable, and fills it in itself: the tenant
   * never types it (a form shows it read-only, to copy), and a value the tenant sends is refused. For what the
   * customer's side must name so that no other tenant can use the same set-up: AWS's external ID for a third
   * party assuming a customer's role (the confused-deputy guard).
   */
  issued?: IssuedValue;
  /**
   * The value names a resource of the customer's own (an IAM role ARN): one site may configure it, another site
   * saving the same value is refused, so no tenant can point this service at another tenant's resource.
   */
  exclusiveToSite?: boolean;
  /** A JSON Schema `format` for the field, e.g. `uri`. */
  format?: string;
  /** Example values, shown by UIs as placeholders. */
  examples?: unknown[];
  /**
   * The value's JSON Schema where the validators cannot say it (an object of header names to values): it replaces
   * the schema derived from the property's type, which for an object is a reference to nothing a form can read.
   */
  valueSchema?: Record<string, unknown>;
}

/** What the host issues per tenant: `tenantExternalId`, its external ID for roles of the tenant's cloud accounts. */
export type IssuedValue = 'tenantExternalId';

/** One declared settings field: its property name and options. */
export interface SettingsFieldDescription extends SettingsFieldOptions {
  name: string;
}

const FIELDS = Symbol('event-connectors:settings-fields');

/** A settings class (any class: the fields are read from its metadata). */
export type SettingsClass = abstract new (...args: never[]) => object;

/**
 * Declares a field of a connector's settings form: its label and description, and whether it is secret, on the
 * field itself. The JSON Schema of the form carries them (`title`, `description`, `writeOnly` for secrets).
 *
 * @example
 * class KinesisSettings {
 *   ＠SettingsField({ title: 'Secret access key', description: 'Secret key of the AWS access key', secret: true })
 *   ＠IsString() secretAccessKey!: string;
 * }
 */
export function SettingsField(options: SettingsFieldOptions): PropertyDecorator {
  const annotations = {
    title: options.title,
    description: options.description,
    ...(options.secret && { writeOnly: true }),
    ...(options.issued && { readOnly: true }),
    ...(options.format && { format: options.format }),
    ...(options.examples && { examples: options.examples }),
  };
  const { valueSchema } = options;
  const schema = valueSchema ? JSONSchema(() => ({ ...valueSchema, ...annotations })) : JSONSchema(annotations);
  return (target: object, property: string | symbol) => {
    if (typeof property !== 'string') throw new Error('@SettingsField() goes on a named property');
    schema(target, property);
    const settingsClass = target.constructor as SettingsClass;
    const own = Reflect.getOwnMetadata(FIELDS, settingsClass) as Map<string, SettingsFieldDescription> | undefined;
    const fields = new Map(own ?? inherited(settingsClass));
    fields.set(property, { name: property, ...options });
    Reflect.defineMetadata(FIELDS, fields, settingsClass);
  };
}

function inherited(settingsClass: SettingsClass): Map<string, SettingsFieldDescription> {
  return (
    (Reflect.getMetadata(FIELDS, settingsClass) as Map<string, SettingsFieldDescription> | undefined) ??
    new Map<string, SettingsFieldDescription>()
  );
}

/** Every field declared with `@SettingsField()`, in declaration order. */
export function settingsFieldsOf(settingsClass: SettingsClass): SettingsFieldDescription[] {
  return [...inherited(settingsClass).values()];
}

/** Names of the write-only fields. */
export function secretFieldsOf(settingsClass: SettingsClass): string[] {
  return settingsFieldsOf(settingsClass)
    .filter((field) => field.secret)
    .map((field) => field.name);
}

/** Names of the fields whose change requires the stored secrets again. */
export function credentialFieldsOf(settingsClass: SettingsClass): string[] {
  return settingsFieldsOf(settingsClass)
    .filter((field) => field.credential)
    .map((field) => field.name);
}

/** The fields the host issues, with what it issues for each. */
export function issuedFieldsOf(settingsClass: SettingsClass): { name: string; issued: IssuedValue }[] {
  return settingsFieldsOf(settingsClass).flatMap((field) => (field.issued ? [{ name: field.name, issued: field.issued }] : []));
}

/** Names of the fields whose value one site only may configure. */
export function exclusiveFieldsOf(settingsClass: SettingsClass): string[] {
  return settingsFieldsOf(settingsClass)
    .filter((field) => field.exclusiveToSite)
    .map((field) => field.name);
}
