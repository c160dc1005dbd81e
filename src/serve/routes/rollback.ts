// POST /v1/models/rollback (admin token), for both servers: the champion goes back to the previous
// one (registry/champions.ts), the reason is kept in the registry's champion trail and in the
// server's audit log (so `millwright retrain history` and GET /v1/retrain/history show it), and a
// server that follows the champion serves the version it rolled back to.
import type { FastifyInstance } from "fastify";
import { MAX_REASON, rollbackReason } from "../../registry/champions.js";
import type { AuditEvent } from "../../store/types.js";
import { tokenRoute } from "../auth-gate.js";

export interface RollbackHooks {
  /** Moves the alias (registry.rollback, or a swap that loads and checks the model first). */
  rollback(reason: string | null): Promise<{ from: string; to: string }>;
  /** The version served after it. */
  served(): string | null;
  audit?: (e: AuditEvent) => Promise<void>;
}

export const ROLLBACK_BODY = {
  type: "object",
  additionalProperties: false,
  properties: {
    reason: { type: "string", maxLength: MAX_REASON, description: "why: kept in the audit log" },
  },
} as const;

export function rollbackRoute(app: FastifyInstance, h: RollbackHooks): void {
  app.post(
    "/v1/models/rollback",
    tokenRoute("admin", {
      tags: ["models"],
      summary: "Make the previous champion champion again, with a reason; needs the admin token",
      body: ROLLBACK_BODY,
    }),
    async (req) => {
      const reason = rollbackReason((req.body as { reason?: string } | undefined)?.reason);
      const { from, to } = await h.rollback(reason);
      await h.audit?.({ at: Date.now(), kind: "rollback", payload: { from, to, reason, by: "api" } });
      req.log.info({ from, to, reason }, "champion rolled back");
      return { from, to, reason, served: h.served() };
    },
  );
}
