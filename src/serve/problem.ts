// Errors as RFC 9457 problem details (application/problem+json) with Millwright's stable codes.
// Anything a client sends maps to a 4xx here; only a bug reaches MW_INTERNAL.
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
    const field = `${err.validationContext ?? "body"}${v?.instancePath?.replace(/\//g, ".") ?? ""}`;
    return { code: "MW_VALIDATION", detail: `${field}: ${v?.message ?? err.message}`, extra: { field } };
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

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type("application/problem+json").send(p);
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const c = classify(err);
  if (c.code === "MW_INTERNAL" || ERROR_TABLE[c.code].status >= 500)
    req.log.error({ err, reqId: req.id }, "request failed");
  const p = problemOf(c.code, c.detail, { ...(c.extra ?? {}), instance: req.url.split("?")[0] });
  const wait = c.extra?.retry_after_seconds;
  if (typeof wait === "number") reply.header("retry-after", String(wait));
  // RFC 9110 §11.6.1: a 401 names the scheme it wants.
  if (c.code === "MW_UNAUTHORIZED") reply.header("www-authenticate", 'Bearer realm="millwright"');
  // OIP v2 clients expect {"error": "..."}; keep that shape on /v2 while still naming the code.
  if (req.url.startsWith("/v2/")) return reply.code(p.status).send({ error: p.detail, code: p.code });
  return sendProblem(reply, p);
}
