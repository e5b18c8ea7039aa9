/** A refusal of the host, with what it said (its ErrorBody's message). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The host's API as the console calls it: same origin, the session as bearer, JSON both ways. */
export class ApiClient {
  constructor(private readonly token: string) {}

  async get<T>(path: string): Promise<T> {
    const response = await fetch(path, { headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' } });
    const body = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
    if (!response.ok) throw new ApiError(response.status, body?.message ?? `The host answered ${response.status}`);
    return body as T;
  }
}
