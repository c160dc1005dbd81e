// GET /v1/models/{version}/report on a data-contract server: the version's HTML evaluation report,
// rendered from what the registry keeps of it (evaluate/history-report.ts). A version trained by
// the AI4I pipeline has its report.html stored; that file is sent as it is.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type HistoryMetrics, renderHistoryReportHtml } from "../../evaluate/history-report.js";
import type { ModelRegistry } from "../../registry/registry.js";

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
const HTML = "text/html; charset=utf-8";

/** A version's file parsed, or null when it is missing or unreadable (routes-models.ts reads its card so). */
export function readOr<T>(path: string, parse: (text: string) => T): T | null {
  try {
    return parse(readFileSync(path, "utf8"));
  } catch {
    return null; // not kept by this version: the report says what it lacks
  }
}

/** The test part's labels and probabilities, when the version kept both (reference.json, in one order). */
function testPart(dir: string): { y: number[]; p: number[] } | null {
  const ref = readOr(join(dir, "reference.json"), (t) => JSON.parse(t) as Record<string, unknown>);
  const y = ref?.failure_label;
  const p = ref?.failure_probability;
  return Array.isArray(y) && Array.isArray(p) && y.length === p.length && y.length > 0
    ? { y: y as number[], p: p as number[] }
    : null;
}

export function contractReportRoute(app: FastifyInstance, reg: ModelRegistry): void {
  app.get(
    "/v1/models/:version/report",
    {
      schema: {
        tags: ["models"],
        summary: "A version's HTML evaluation report (self-contained: inline CSS and SVG, no scripts)",
        description:
          "Metrics per head on the test part, ROC and precision–recall curves (versions that kept the test part's labels), the confusion matrix and feature importance. 404 MW_MODEL_NOT_FOUND for an unknown version or alias.",
      },
    },
    async (req, reply) => {
      const v = reg.resolve((req.params as { version: string }).version);
      const dir = reg.versionDir(v);
      const stored = readOr(join(dir, "report.html"), (t) => t);
      if (stored !== null) return reply.headers(REPORT_HEADERS).type(HTML).send(stored);
      const lineage = reg.readJson(v, "lineage.json") as {
        created_at?: string;
        millwright_version?: string;
      } | null;
      const html = renderHistoryReportHtml({
        model: reg.historyModel(v),
        metrics: reg.readJson(v, "metrics.json") as HistoryMetrics | null,
        created: lineage?.created_at ?? null,
        millwrightVersion: lineage?.millwright_version ?? null,
        test: testPart(dir),
      });
      return reply.headers(REPORT_HEADERS).type(HTML).send(html);
    },
  );
}
