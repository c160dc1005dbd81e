// The monitoring history's endpoints: run the monitor now, and the points it kept.
import type { FastifyInstance } from "fastify";
import type { MonitorHistory } from "../../monitor/live/monitor-history.js";
import { queryInt } from "../contract/page.js";
import { tokenRoute } from "../auth-gate.js";

/**
 * POST /v1/monitor/run (admin token: compute drift and quality now, kept in the history) and GET
 * /v1/monitor/history (the kept points, oldest first): a data-contract server keeps them beside its
 * retraining audit.
 */
export function monitorHistoryRoutes(app: FastifyInstance, history: MonitorHistory): void {
  const tags = ["monitoring"];
  app.post(
    "/v1/monitor/run",
    tokenRoute("admin", {
      tags,
      summary: "Compute drift and quality now (admin token); the result is a point of the history",
    }),
    async () => history.run(),
  );
  app.get(
    "/v1/monitor/history",
    {
      schema: {
        tags,
        summary: "Monitoring history: realised and estimated F1, drift share, oldest first",
        description: "Query: limit (1-1000, default 100): the newest points, returned oldest first.",
      },
    },
    async (req) => {
      const limit = queryInt((req.query as { limit?: string }).limit, "limit", 1, 1000) ?? 100;
      const snaps = await history.store.listSnapshots(limit);
      return {
        points: snaps
          .map((s) => s.payload)
          .sort((a, b) => String((a as { at: string }).at).localeCompare(String((b as { at: string }).at))),
      };
    },
  );
}
