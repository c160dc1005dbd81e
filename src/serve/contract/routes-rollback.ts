// POST /v1/models/rollback on a data-contract server: the previous champion is loaded and checked
// against this server's contract before the alias moves (ContractModels.serve), then served with the
// fleet history kept, as a promotion is. The route itself is shared with the AI4I app (routes/rollback.ts).
import type { FastifyInstance } from "fastify";
import { rollbackTarget } from "../../registry/champions.js";
import type { AuditStore } from "../../retrain/ports.js";
import { rollbackRoute } from "../routes/rollback.js";
import type { ContractModels } from "./routes-models.js";

export function contractRollbackRoute(
  app: FastifyInstance,
  models: ContractModels,
  audit?: AuditStore,
): void {
  rollbackRoute(app, {
    async rollback(reason) {
      const reg = models.registry;
      const target = rollbackTarget(reg.dir, reg.readIndex().aliases.champion);
      let moved = { from: "", to: target };
      await models.serve(target, async () => {
        moved = await reg.rollback(reason);
      });
      models.follows = "champion";
      return moved;
    },
    served: () => models.served,
    audit: audit ? (e) => audit.appendAudit(e) : undefined,
  });
}
