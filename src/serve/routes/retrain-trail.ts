// GET /v1/alerts and GET /v1/retrain/history, the same paths and answers on the AI4I server
// (routes/monitor.ts) and a data-contract server (contract/routes-retrain.ts): the alerts received,
// and the retraining trail, decisions first, paged.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { retrainHistory } from "../../retrain/history.js";
import type { PredictionStore } from "../../store/types.js";

function int(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new MillwrightError("MW_VALIDATION", `querystring.${name}: an integer from ${lo} to ${hi}`, {
      field: `querystring.${name}`,
    });
  return n;
}

export function retrainTrailRoutes(
  app: FastifyInstance,
  o: {
    /** The newest alerts received (at most 100), newest first. */
    alerts: () => Promise<{ at: number; payload: unknown }[]>;
    audit: Pick<PredictionStore, "pageAudit">;
    running: () => boolean;
  },
): void {
  const tags = ["monitoring"];
  app.get(
    "/v1/alerts",
    { schema: { tags, summary: "Alerts received from Alertmanager, newest first" } },
    async () => {
      const events = await o.alerts();
      return {
        alerts: events.map((e) => ({ received_at: new Date(e.at).toISOString(), ...(e.payload as object) })),
      };
    },
  );
  app.get(
    "/v1/retrain/history",
    {
      schema: {
        tags,
        summary: "Retraining decisions first, then triggers, decisions and promotions, newest first, paged",
        description:
          "Query: limit (1-500, default 50), before (the `next` of the previous page), alerts=true to include the alerts themselves.",
      },
    },
    async (req) => {
      const q = req.query as { limit?: string; before?: string; alerts?: string };
      const h = await retrainHistory(o.audit, {
        limit: int(q.limit, "limit", 1, 500),
        before: int(q.before, "before", 1, Number.MAX_SAFE_INTEGER),
        alerts: q.alerts === "true",
      });
      return { running: o.running(), ...h };
    },
  );
}
