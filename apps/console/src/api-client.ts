/** A field the host named in a refusal (its ErrorBody's `errors`). */
export interface FieldError {
  field: string;
  message: string;
}

/** A refusal of the host, with what it said (its ErrorBody's message and failing fields). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: readonly FieldError[] = [],
    /** The whole answer, for what a route adds to a refusal (a 422's `check`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Body = { message?: string; errors?: FieldError[]; [more: string]: unknown } | undefined;

/**
 * The host's API as the console calls it: same origin, the session as bearer, JSON both ways. A 401 (the session
 * expired or is not valid) is told to `onRefused` as well as thrown, so the whole console can say so.
 */
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly onRefused: (error: ApiError) => void = () => undefined,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  async send<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = (response.status === 204 ? undefined : await response.json().catch(() => undefined)) as Body;
    if (response.ok) return answer as T;
    const error = new ApiError(
      response.status,
      answer?.message ?? `The host answered ${response.status}`,
      answer?.errors ?? [],
      answer ?? {},
    );
    if (response.status === 401) this.onRefused(error);
    throw error;
  }
}

/** What a failed call said, for a sentence ("… could not be loaded: <this>"). */
export function problemOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a call failed with this status. */
export const refusedWith = (error: unknown, status: number) => error instanceof ApiError && error.status === status;

/** A connector's path under the API, with its id escaped (ids come from the address bar). */
export const connectorPath = (id: string, rest = '') => `/v1/connectors/${encodeURIComponent(id)}${rest}`;
