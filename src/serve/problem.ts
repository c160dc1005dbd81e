// Errors as RFC 9457 problem details (application/problem+json) with Millwright's stable codes.
// Anything a client sends maps to a 4xx here; only a bug reaches MW_INTERNAL.
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_TABLE, type ErrorCode, MillwrightError } from "../core/errors.js";

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  field?: string;
  [k: string]: unknown;
}

export function problemOf(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  const e = ERROR_TABLE[code];
  return {
    type: `https://millwright.dev/errors/${code.toLowerCase().replace(/_/g, "-")}`,
    title: e.title,
    status: e.status,
    code,
    detail,
    ...extra,
  };
}

/** Maps Fastify's own errors (body parsing, limits, validation) to stable codes. */
function classify(err: FastifyError): { code: ErrorCode; detail: string; extra?: Record<string, unknown> } {
  if (err instanceof MillwrightError) return { code: err.code, detail: err.message, extra: err.details };
  const fcode = err.code ?? "";
  if (err.validation) {
    const v = err.validation[0];
    // An item of an array as the README writes fields (`body[3].torque`, `events[0].table`).
    const path = (v?.instancePath ?? "").replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".");
    // An unknown property names itself ("events[0].Kind"), and so does a missing one
    // (`body.reason`), not only the object it is in: a client reads `field` to know what to fix.
    const named =
      v?.keyword === "additionalProperties"
        ? (v.params as { additionalProperty?: string }).additionalProperty
        : v?.keyword === "required"
          ? (v.params as { missingProperty?: string }).missingProperty
          : undefined;
    // A route whose own checks name fields from the body's root has its schema's errors do so too
    // (fieldsFromBodyRoot): `events[0].kind`, not `body.events[0].kind`; the body itself is `body`.
    const root = (err as { fieldRoot?: string }).fieldRoot ?? err.validationContext ?? "body";
    const full = `${root}${path}${named !== undefined ? `.${named}` : ""}`;
    const field = full.replace(/^\./, "") || "body";
    // A batch over its limit is 413 whichever route (trial 6: /v1/predict said so, /v1/events 400).
    if (v?.keyword === "maxItems")
      return {
        code: "MW_BATCH_TOO_LARGE",
        detail: `${field}: at most ${(v.params as { limit?: number }).limit} items per request (send the rest in another)`,
        extra: { field },
      };
    // A value of neither type of a union (anyOf string or number) fails once per type: say them all.
    const types = err.validation
      .filter((x) => x.keyword === "type" && x.instancePath === v?.instancePath)
      .map((x) => String((x.params as { type?: unknown }).type));
    // A value outside a list (an event table the contract does not have): say which values there are.
    const allowed =
      v?.keyword === "enum" ? (v.params as { allowedValues?: unknown[] }).allowedValues : undefined;
    const message = allowed
      ? `must be one of ${allowed
          .slice(0, 20)
          .map((a) => JSON.stringify(a))
          .join(", ")}${allowed.length > 20 ? ", …" : ""}`
      : v?.keyword === "additionalProperties"
        ? "unknown field"
        : types.length > 1
          ? `must be ${types.join(" or ")}`
          : (v?.message ?? err.message);
    return { code: "MW_VALIDATION", detail: `${field}: ${message}`, extra: { field } };
  }
  if (fcode === "FST_ERR_CTP_BODY_TOO_LARGE" || err.statusCode === 413)
    return { code: "MW_BATCH_TOO_LARGE", detail: "the request body is over the size limit" };
  if (fcode === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || err.statusCode === 415)
    return { code: "MW_UNSUPPORTED_MEDIA", detail: "send the body as application/json" };
  if (fcode === "FST_ERR_CTP_EMPTY_JSON_BODY")
    return {
      code: "MW_VALIDATION",
      detail: "body: empty, a JSON body is required",
      extra: { field: "body" },
    };
  if (fcode.startsWith("FST_ERR_CTP") || err instanceof SyntaxError || err.statusCode === 400)
    return { code: "MW_INVALID_JSON", detail: `body: ${err.message}`, extra: { field: "body" } };
  if (err.statusCode === 404) return { code: "MW_NOT_FOUND", detail: err.message };
  if (err.statusCode === 429) return { code: "MW_RATE_LIMITED", detail: err.message };
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return { code: "MW_BAD_INPUT", detail: err.message };
  return { code: "MW_INTERNAL", detail: "internal error; it has been logged" };
}

/**
 * A route's schemaErrorFormatter when its own errors name fields from the body's root (/v1/events:
 * `events[1].timestamp`): classify then names the schema's fields the same way.
 */
export function fieldsFromBodyRoot(_errors: unknown, dataVar: string): Error {
  return Object.assign(new Error(`${dataVar} is not valid`), {
    fieldRoot: dataVar === "body" ? "" : dataVar,
  });
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply
    .code(p.status)
    .header("x-content-type-options", "nosniff")
    .type("application/problem+json")
    .send(p);
}

// An absolute file path of two or more segments, not one of the API's own paths.
const ABSOLUTE_PATH = /(?<![\w.~:/-])\/(?!v1\/|v2\/|docs|metrics)(?:[^\s'"`()<>,;/]+\/)+[^\s'"`()<>,;/]*/g;

/**
 * Messages written for the operator's terminal name files by their absolute paths ("not found in
 * /srv/models"); a client must not learn the server's layout. The known roots become a word, any
 * other absolute path keeps its last two segments. The log keeps the full error.
 */
export function redactPaths(s: string, roots: readonly { dir: string; name: string }[] = []): string {
  let out = s;
  for (const r of roots) if (r.dir.length > 1) out = out.split(r.dir).join(r.name);
  return out.replace(ABSOLUTE_PATH, (m) => {
    const parts = m.split("/").filter(Boolean);
    return parts.length <= 2 ? `…/${parts.join("/")}` : `…/${parts.slice(-2).join("/")}`;
  });
}

/** Fastify's errors before routing (a URL that is not valid percent-encoding, an over-long parameter). */
export function frameworkErrorHandler(
  err: FastifyError,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (err.code === "FST_ERR_BAD_URL")
    return sendProblem(reply, problemOf("MW_BAD_INPUT", "the URL is not valid percent-encoding"));
  if (err.code === "FST_ERR_MAX_PARAM_LENGTH")
    return sendProblem(
      reply,
      problemOf("MW_NOT_FOUND", "no such resource: a path parameter is over its length limit"),
    );
  return errorHandlerFor([])(err, req, reply);
}

/** The error handler; `roots` are directories named by a word instead of their paths (the registry). */
export const errorHandlerFor =
  (roots: readonly { dir: string; name: string }[]) =>
  (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const c = classify(err);
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c.extra ?? {}))
      extra[k] = typeof v === "string" ? redactPaths(v, roots) : v;
    if (c.code === "MW_INTERNAL" || ERROR_TABLE[c.code].status >= 500)
      req.log.error({ err, reqId: req.id }, "request failed");
    const p = problemOf(c.code, redactPaths(c.detail, roots), { ...extra, instance: req.url.split("?")[0] });
    const wait = extra.retry_after_seconds;
    if (typeof wait === "number") reply.header("retry-after", String(wait));
    // RFC 9110 §11.6.1: a 401 names the scheme it wants.
    if (c.code === "MW_UNAUTHORIZED") reply.header("www-authenticate", 'Bearer realm="millwright"');
    // OIP v2 clients expect {"error": "..."}; keep that shape on /v2 while still naming the code.
    if (req.url.startsWith("/v2/")) return reply.code(p.status).send({ error: p.detail, code: p.code });
    return sendProblem(reply, p);
  };

/**
 * What a connection that never made a whole request is told (Fastify's clientErrorHandler): a
 * problem+json with a code like every other answer (trial 6: a slow sender's 408 was Node's own
 * JSON without one), then the socket is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, p] =
    err.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [
          "408 Request Timeout",
          problemOf(
            "MW_REQUEST_TIMEOUT",
            "the request was not received in time (MILLWRIGHT_REQUEST_TIMEOUT_MS)",
          ),
        ]
      : err.code === "HPE_HEADER_OVERFLOW"
        ? [
            "431 Request Header Fields Too Large",
            { ...problemOf("MW_BAD_INPUT", "the request's headers are too large"), status: 431 },
          ]
        : ["400 Bad Request", problemOf("MW_BAD_INPUT", "the request is not valid HTTP")];
  const body = JSON.stringify(p);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/problem+json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
