// The JSON API. Errors are application/problem+json; the `detail` sentence is what people see.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function parse(res) {
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { detail: text.slice(0, 300) };
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

export async function getJson(path, signal) {
  const res = await fetch(path, { headers: { accept: "application/json" }, signal });
  return parse(res);
}

export async function postJson(path, body, token, signal) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { method: "POST", headers, body: JSON.stringify(body ?? {}), signal });
  return parse(res);
}

/** A sentence for an error: the problem's code and detail when the server sent one. */
export function describeError(e) {
  if (e instanceof ApiError) {
    const p = e.problem ?? {};
    const title = p.title ? `${p.title}: ` : "";
    return `${e.status} ${title}${p.detail ?? e.message}${p.code ? ` (${p.code})` : ""}`;
  }
  return e?.message ?? String(e);
}

export async function putJson(path, body, token, signal) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { method: "PUT", headers, body: JSON.stringify(body ?? {}), signal });
  return parse(res);
}

export async function deleteJson(path, token, signal) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { method: "DELETE", headers, signal });
  return parse(res);
}
