import Type, { type Static } from 'typebox';
import { ISO_TIME } from '../common/schema-parts.js';
import type { IssuedSession } from './console-sessions.js';

/** Where the console is served, and how a session reaches it: in the fragment, which no server, log or referrer sees. */
export const CONSOLE_PATH = '/console/';

/** A console session as POST /v1/console-sessions answers it. */
export const ConsoleSessionSchema = Type.Object(
  {
    siteNumber: Type.Integer({ minimum: 1 }),
    token: Type.String({ description: "The session's bearer token: the admin API of this site only, until expiresAt" }),
    url: Type.String({ description: 'The console of this site, relative to the host: the token rides in the fragment' }),
    expiresAt: ISO_TIME,
  },
  { additionalProperties: false },
);
export type ConsoleSessionView = Static<typeof ConsoleSessionSchema>;

export function consoleSessionView(session: IssuedSession): ConsoleSessionView {
  return {
    siteNumber: session.siteNumber,
    token: session.token,
    url: `${CONSOLE_PATH}#session=${session.token}`,
    expiresAt: session.expiresAt.toISOString(),
  };
}
