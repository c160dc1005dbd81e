// POST /v1/models/rollback (admin token): the champion goes back to the previous one
// (registry/champions.ts). The previous champion is loaded and checked against this server's
// contract before the alias moves (ContractModels.serve), then served with the fleet history kept,
// as a promotion is. The reason is kept in the registry's champion trail and in the server's audit
// log (so `millwright retrain history` and GET /v1/retrain/history show it).
import type { FastifyInstance } from "fastify";
import { MAX_REASON, rollbackReason, rollbackTarget } from "../../registry/champions.js";
import type { AuditStore } from "../../retrain/ports.js";
import { tokenRoute } from "../auth-gate.js";
import { closedObject } from "../body-schema.js";
import type { ContractModels } from "./routes-models.js";

export function contractRollbackRoute(
  app: FastifyInstance,
  models: ContractModels,
  audit?: AuditStore,
): void {
  app.post(
    "/v1/models/rollback",
    tokenRoute("admin", {
      tags: ["models"],
      summary: "Make the previous champion champion again, with a reason; needs the admin token",
      body: closedObject({
        reason: { type: "string", maxLength: MAX_REASON, description: "why: kept in the audit log" },
      }),
    }),
    async (req) => {
      const reason = rollbackReason((req.body as { reason?: string } | undefined)?.reason);
      const reg = models.registry;
      const target = rollbackTarget(reg.dir, reg.readIndex().aliases.champion);
      let moved = { from: "", to: target };
      await models.serve(target, async () => {
        moved = await reg.rollback(reason);
      });
      models.follows = "champion";
      const { from, to } = moved;
      await audit?.appendAudit({
        at: Date.now(),
        kind: "rollback",
        payload: { from, to, reason, by: "api" },
      });
      req.log.info({ reqId: req.id, from, to, reason }, "champion rolled back");
      return { from, to, reason, served: models.served };
    },
  );
}
