import Type, { type Static } from 'typebox';
import { ISO_TIME } from '../common/schema-parts.js';
import type { IssuedSession } from './console-sessions.js';

/** A console session as POST /v1/console-sessions answers it. */
export const ConsoleSessionSchema = Type.Object(
  {
    siteNumber: Type.Integer({ minimum: 1 }),
    token: Type.String({ description: "The session's bearer token: the admin API of this site only, until expiresAt" }),
    expiresAt: ISO_TIME,
  },
  { additionalProperties: false },
);
export type ConsoleSessionView = Static<typeof ConsoleSessionSchema>;

export function consoleSessionView(session: IssuedSession): ConsoleSessionView {
  return {
    siteNumber: session.siteNumber,
    token: session.token,
    expiresAt: session.expiresAt.toISOString(),
  };
}
