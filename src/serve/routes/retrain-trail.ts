// The retraining routes (mounted by contract/routes-retrain.ts): POST /v1/hooks/alertmanager (firing alerts may
// start a retraining), GET /v1/alerts (the alerts received) and GET /v1/retrain/history (the
// retraining trail, decisions first, paged).
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { type AmPayload, parseAlertmanagerPayload } from "../../retrain/alerts.js";
import { retrainHistory } from "../../retrain/history.js";
import type { AuditStore } from "../../retrain/ports.js";
import { tokenRoute } from "../auth-gate.js";
import { alertmanagerPayloadSchema } from "../hook-schema.js";

/** What the routes need of the server's retrainer (either kind). */
export interface AlertRetrainer {
  readonly running: boolean;
  handleAlerts(payload: AmPayload): Promise<unknown>;
}

/** An optional integer query parameter; out of range or not an integer: 400 naming it. */
export function queryInt(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
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
  sources: {
    /** The newest alerts received (at most 100), newest first. */
    alerts: () => Promise<{ at: number; payload: unknown }[]>;
    audit: Pick<AuditStore, "pageAudit">;
    /** The server's retrainer; null when retraining is off (alerts are then ignored). */
    retrainer: () => AlertRetrainer | null;
  },
): void {
  const tags = ["monitoring"];
  app.post(
    "/v1/hooks/alertmanager",
    tokenRoute("hook", {
      tags,
      summary: "Alertmanager webhook (payload version 4); needs the hook token",
      description:
        "Firing alerts (on a data-contract server: drift or quality alerts labelled action=retrain) may start a retraining: one at a time, deduplicated by alert fingerprint and limited by a cooldown, so a storm of the same alert starts exactly one retraining. With MILLWRIGHT_RETRAIN_MODE=github the server does not train on an alert: it sends a repository_dispatch to the retrain workflow (decision `dispatched` or `dispatch-failed`).",
      body: alertmanagerPayloadSchema,
    }),
    async (req) => {
      const payload = parseAlertmanagerPayload(req.body);
      const retrainer = sources.retrainer();
      if (!retrainer)
        return { outcomes: payload.alerts.map((a) => ({ fingerprint: a.fingerprint, outcome: "ignored" })) };
      return retrainer.handleAlerts(payload);
    },
  );
  app.get(
    "/v1/alerts",
    { schema: { tags, summary: "Alerts received from Alertmanager, newest first" } },
    async () => {
      const events = await sources.alerts();
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
      const h = await retrainHistory(sources.audit, {
        limit: queryInt(q.limit, "limit", 1, 500),
        before: queryInt(q.before, "before", 1, Number.MAX_SAFE_INTEGER),
        alerts: q.alerts === "true",
      });
      return { running: sources.retrainer()?.running ?? false, ...h };
    },
  );
}
