import { CALL_TYPES, type CallType } from './activation-message.js';

const KEY = '"callType":"';
const QUOTE = 0x22;

/**
 * The call type of a serialized activation message, without parsing it (the host counts REMOVED deliveries on
 * its hot path). Safe because the key order is fixed: only `profileId` and `sourceId` (strings, whose quotes
 * JSON escapes) and `partnerNumber` (a number) come before `callType`, so its first unescaped occurrence is the
 * top-level one; a profile variable or property named `callType` comes later. Undefined for any other text.
 */
export function callTypeOf(body: string): CallType | undefined {
  const at = body.indexOf(KEY);
  if (at < 0) return undefined;
  const start = at + KEY.length;
  // Compared in place (no slice): this runs once per delivered message.
  for (const callType of CALL_TYPES) {
    if (body.startsWith(callType, start) && body.charCodeAt(start + callType.length) === QUOTE) return callType;
  }
  return undefined;
}
