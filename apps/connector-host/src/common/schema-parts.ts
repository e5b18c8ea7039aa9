import Type, { type Static, type TInteger, type TSchema, type TUnsafe } from 'typebox';

/**
 * Pieces the answers' schemas share. Each answer's schema is written once, with TypeBox, beside the service that
 * answers it, and its TypeScript type is derived from it (`Static<typeof …Schema>`); api/openapi/openapi-document.ts
 * registers them in the API document by name.
 */
/** The largest site, audience or partner number the API takes (a 32-bit signed integer). */
export const MAX_INT32 = 2_147_483_647;
export const COUNT = Type.Integer({ minimum: 0 });
export const ISO_TIME = Type.String({ format: 'date-time' });
export const UUID = Type.String({ format: 'uuid' });

/** One COUNT per key (the properties of an object that counts by reason or kind), typed by the keys. */
export function countsBy<const Key extends string>(keys: readonly Key[]): { [K in Key]: TInteger } {
  return Object.fromEntries(keys.map((key) => [key, COUNT])) as { [K in Key]: TInteger };
}

/**
 * An object of any keys whose values all match `value`, written `additionalProperties: <value>` as the API document
 * always had it (TypeBox's Record writes patternProperties, which client generators handle worse).
 */
export function mapOf<Value extends TSchema>(value: Value, options: { description?: string } = {}): TUnsafe<Record<string, Static<Value>>> {
  return Type.Unsafe<Record<string, Static<Value>>>({ type: 'object', additionalProperties: value, ...options });
}

/** A reference to the schema the API document registers as `name`, typed as that schema. */
export function named<Schema extends TSchema>(name: string): TUnsafe<Static<Schema>> {
  return Type.Unsafe<Static<Schema>>(Type.Ref(`#/components/schemas/${name}`));
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The schema of a type another package declares (the connector SDK's contract): the compiler refuses the schema
 * unless its type is exactly `T`, so the two cannot drift apart.
 */
export const schemaOf =
  <T>() =>
  <Schema extends TSchema>(schema: Schema & (Same<Static<Schema>, T> extends true ? unknown : never)): Schema =>
    schema;
