// How an HTML evaluation report is sent (contract/routes-report.ts, a version's rendered report).
import type { FastifyReply } from "fastify";

/**
 * The report is a page served from the API's origin: no script may run in it (it has none: inline
 * CSS and SVG only), nothing may frame it, and the browser must not sniff it.
 */
const REPORT_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

export function sendReport(reply: FastifyReply, html: string): FastifyReply {
  for (const [k, v] of Object.entries(REPORT_HEADERS)) reply.header(k, v);
  return reply.type("text/html; charset=utf-8").send(html);
}
