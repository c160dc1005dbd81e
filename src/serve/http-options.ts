// What the server does about slow senders, one rule for every Millwright server (issue 18, item 14):
// Fastify's request timeout is 0 (never) by default, so a body sent a byte a minute would hold its
// socket for good, and Node checks the timeouts only every 30 s unless told.
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from "../core/limits.js";

export interface ServerTimeouts {
  requestMs: number;
  headersMs: number;
  /** How often Node looks for connections past their timeouts (default 5 s). */
  checkIntervalMs?: number;
}

/** Fastify options: a request (headers and body) and its headers alone must arrive within these. */
export function timeoutOptions(t: Partial<ServerTimeouts> | undefined) {
  const requestMs = t?.requestMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    requestTimeout: requestMs,
    http: {
      headersTimeout: Math.min(t?.headersMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestMs),
      connectionsCheckingInterval: t?.checkIntervalMs ?? 5_000,
    },
  };
}
