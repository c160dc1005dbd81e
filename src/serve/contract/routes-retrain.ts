// The retraining endpoints of a data-contract server: the Alertmanager webhook (hook token, checked
// by the auth gate before the body is read), the alerts received and the retraining trail, as the
// AI4I app has them (routes/retrain-trail.ts).
import type { FastifyInstance } from "fastify";
import type { ContractRetrainer } from "../../retrain/contract-service.js";
import type { AuditStore } from "../../retrain/ports.js";
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
}
