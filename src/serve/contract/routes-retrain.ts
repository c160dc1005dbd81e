// The retraining endpoints of a data-contract server: the Alertmanager webhook (hook token, checked
// by the auth gate before the body is read), the alerts received and the retraining trail, as the
// AI4I app has them (routes/retrain-trail.ts); and an operator's "retrain now" (admin token), which
// an alert was the only way to ask for.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { ContractRetrainer } from "../../retrain/contract-service.js";
import type { AuditStore } from "../../retrain/ports.js";
import { tokenRoute } from "../auth-gate.js";
import { retrainTrailRoutes } from "../routes/retrain-trail.js";

export function contractRetrainRoutes(
  app: FastifyInstance,
  audit: AuditStore,
  retrainer: ContractRetrainer | null,
): void {
  retrainTrailRoutes(app, {
    alerts: () => audit.pageAudit({ kinds: ["alert"], limit: 100 }),
    audit,
    retrainer: () => retrainer,
  });
  app.post(
    "/v1/retrain",
    tokenRoute("admin", {
      tags: ["monitoring"],
      summary: "Retrain now (admin token): a challenger on the stored data plus the logged history, gated",
      description:
        "Starts the same retraining an alert starts (no cooldown: a person asked), and answers at once with its run id (202); the decision follows in GET /v1/retrain/history. With MILLWRIGHT_RETRAIN_MODE=github it trains here too, which needs a writable registry: the approved retrain workflow does not call it, it trains in GitHub Actions (millwright retrain run). 409 MW_CONFLICT while one runs or when retraining is off.",
      body: {
        type: "object",
        additionalProperties: false,
        properties: { reason: { type: "string", maxLength: 500, description: "why, for the audit trail" } },
      },
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
