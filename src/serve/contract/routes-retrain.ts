// The retraining endpoints of a data-contract server: the Alertmanager webhook (hook token, checked
// by the auth gate before the body is read), and the alerts received and the retraining trail
// (routes/retrain-trail.ts, shared with the AI4I app).
import type { FastifyInstance } from "fastify";
import { parseAlertmanagerPayload } from "../../retrain/alerts.js";
import type { AuditStore, ContractRetrainer } from "../../retrain/contract-service.js";
import { alertmanagerPayloadSchema } from "../hook-schema.js";
import { retrainTrailRoutes } from "../routes/retrain-trail.js";

export function contractRetrainRoutes(
  app: FastifyInstance,
  audit: AuditStore,
  retrainer: ContractRetrainer | null,
): void {
  const tags = ["monitoring"];
  retrainTrailRoutes(app, {
    alerts: () => audit.pageAudit({ kinds: ["alert"], limit: 100 }),
    audit,
    running: () => retrainer?.running ?? false,
  });

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
