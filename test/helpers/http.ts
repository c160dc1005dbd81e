// JSON calls to a real server over HTTP, as the server tests make them: the body sent as JSON, a
// bearer token when given; the answer's status and its parsed body (null when empty).

export type JsonCall = (
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => Promise<{ status: number; body: ReturnType<typeof JSON.parse> }>;

/** A caller of the server at `base()`: a function, as the server starts after the test file loads. */
export function jsonClient(base: () => string): JsonCall {
  return async (method, path, body, token) => {
    const r = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

/** The three calls the customer-trial tests make: any method, a POST, and a GET's body. */
export function restClient(base: () => string): {
  call: JsonCall;
  post: (path: string, body: unknown, token?: string) => ReturnType<JsonCall>;
  get: (path: string) => Promise<ReturnType<typeof JSON.parse>>;
} {
  const call = jsonClient(base);
  return {
    call,
    post: (path, body, token) => call("POST", path, body, token),
    get: async (path) => (await call("GET", path)).body,
  };
}
