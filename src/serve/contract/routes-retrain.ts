// The retraining endpoints of a data-contract server: the Alertmanager webhook (hook token, checked
// by the auth gate before the body is read), the alerts received and the retraining trail. The same
// paths and answers as the AI4I app's routes/monitor.ts.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { parseAlertmanagerPayload } from "../../retrain/alerts.js";
import type { AuditStore, ContractRetrainer } from "../../retrain/contract-service.js";
import { retrainHistory } from "../../retrain/history.js";
import { alertmanagerPayloadSchema } from "../hook-schema.js";

function int(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new MillwrightError("MW_VALIDATION", `querystring.${name}: an integer from ${lo} to ${hi}`, {
      field: `querystring.${name}`,
    });
  return n;
}

export function contractRetrainRoutes(
  app: FastifyInstance,
  audit: AuditStore,
  retrainer: ContractRetrainer | null,
): void {
  const tags = ["monitoring"];
  app.get(
    "/v1/alerts",
    { schema: { tags, summary: "Alerts received from Alertmanager, newest first" } },
    async () => {
      const events = await audit.pageAudit({ kinds: ["alert"], limit: 100 });
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
      const h = await retrainHistory(audit, {
        limit: int(q.limit, "limit", 1, 500),
        before: int(q.before, "before", 1, Number.MAX_SAFE_INTEGER),
        alerts: q.alerts === "true",
      });
      return { running: retrainer?.running ?? false, ...h };
    },
  );

  app.post(
    "/v1/hooks/alertmanager",
    {
      config: { auth: "hook" },
      schema: {
        tags,
        summary: "Alertmanager webhook (payload version 4); needs the hook token",
        description:
          "Firing drift or quality alerts (label action=retrain) may start a retraining of this contract's model: one at a time, deduplicated by alert fingerprint and limited by a cooldown.",
        security: [{ bearer: [] }],
        body: alertmanagerPayloadSchema,
      },
    },
    async (req) => {
      const payload = parseAlertmanagerPayload(req.body);
      if (!retrainer)
        return { outcomes: payload.alerts.map((a) => ({ fingerprint: a.fingerprint, outcome: "ignored" })) };
      return retrainer.handleAlerts(payload);
    },
  );
}
