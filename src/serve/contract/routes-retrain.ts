// The retraining endpoints of a data-contract server: the Alertmanager webhook (hook token, checked
// by the auth gate before the body is read: firing alerts may start a retraining), the alerts
// received (GET /v1/alerts), the retraining trail (GET /v1/retrain/history, decisions first, paged),
// and an operator's "retrain now" (admin token), which an alert was the only way to ask for.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { parseAlertmanagerPayload } from "../../retrain/alerts.js";
import type { ContractRetrainer } from "../../retrain/contract-service.js";
import { retrainHistory } from "../../retrain/history.js";
import type { AuditStore } from "../../retrain/ports.js";
import { tokenRoute } from "../auth-gate.js";
import { closedObject } from "../body-schema.js";
import { alertmanagerPayloadSchema } from "../hook-schema.js";
import { queryBool, queryInt } from "./page.js";

export function contractRetrainRoutes(
  app: FastifyInstance,
  audit: AuditStore,
  /** Null when retraining is off (alerts are then ignored). */
  retrainer: ContractRetrainer | null,
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
      if (!retrainer)
        return { outcomes: payload.alerts.map((a) => ({ fingerprint: a.fingerprint, outcome: "ignored" })) };
      return retrainer.handleAlerts(payload);
    },
  );
  app.get(
    "/v1/alerts",
    {
      schema: {
        tags,
        summary:
          "Alerts received from Alertmanager, newest first, each with its outcome: started (with its run), deduplicated, cooldown (with retry_after, when it ends), busy or ignored",
      },
    },
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
          "Query: limit (1-500, default 50), before (the `next` of the previous page), alerts=true to include the alerts themselves. A decision's `slice` is the gate's: `test_from` (or `machines`), `rows` with a known label, `positive_rows` (labelled a failure: with failure events, readings with a failure within the horizon after them, many per failure) and `failures` (the failure events behind them; decisions before this field counted positive rows there). A run an alert about one group of machines started (MillwrightGroupDrift's `group` label) has a `group` entry too: the group's `name`, `machines`, `rows`, `positive_rows` and `failures` in the slice, both models' `pr_auc` and `recall` on them, and `judged` (false: too few failures to judge, and the champion is kept). A kept decision's challenger stays registered with the `challenger` alias; its reason names the version.",
      },
    },
    async (req) => {
      const q = req.query as { limit?: string; before?: string; alerts?: string };
      const h = await retrainHistory(audit, {
        limit: queryInt(q.limit, "limit", 1, 500),
        before: queryInt(q.before, "before", 1, Number.MAX_SAFE_INTEGER),
        alerts: queryBool(q.alerts, "alerts"),
      });
      return { running: retrainer?.running ?? false, ...h };
    },
  );
  app.post(
    "/v1/retrain",
    tokenRoute("admin", {
      tags,
      summary: "Retrain now (admin token): a challenger on the stored data plus the logged history, gated",
      description:
        "Starts the same retraining an alert starts (no cooldown: a person asked), and answers at once with its run id (202); the decision follows in GET /v1/retrain/history. With MILLWRIGHT_RETRAIN_MODE=github it trains here too, which needs a writable registry: the approved retrain workflow does not call it, it trains in GitHub Actions (millwright retrain run). 409 MW_CONFLICT while one runs or when retraining is off.",
      body: closedObject({
        reason: { type: "string", maxLength: 500, description: "why, for the audit trail" },
      }),
    }),
    async (req, reply) => {
      if (!retrainer)
        throw new MillwrightError("MW_CONFLICT", "this server runs no retraining: nothing started");
      const reason = (req.body as { reason?: string } | undefined)?.reason?.trim() || "asked by an operator";
      const started = await retrainer.requestRun(reason);
      return reply.code(202).send({ ...started, reason });
    },
  );
}
