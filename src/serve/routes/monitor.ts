// Monitoring and retraining endpoints: the latest drift/quality state, its history (the history and
// run routes shared with the data-contract server), the alert webhook that feeds the retraining
// loop, and the audit trail.
import type { FastifyInstance } from "fastify";
import type { Monitor } from "../../monitor/monitor.js";
import type { Retrainer } from "../../retrain/retrainer.js";
import type { Ctx } from "../context.js";
import type { MonitorSnapshot } from "../../store/types.js";
import { queryInt, retrainTrailRoutes } from "./retrain-trail.js";
import { MillwrightError } from "../../core/errors.js";
import { tokenRoute } from "../auth-gate.js";

type Lazy<T> = T | (() => T);

/**
 * POST /v1/monitor/run (admin token: compute drift and quality now, kept in the history) and GET
 * /v1/monitor/history (the kept points, oldest first), the same on either server: the AI4I app's
 * snapshots are in its store, a data-contract server's beside its retraining audit.
 */
export function monitorHistoryRoutes(
  app: FastifyInstance,
  sources: { run: () => Promise<unknown>; snapshots: (limit: number) => Promise<MonitorSnapshot[]> },
): void {
  const tags = ["monitoring"];
  app.post(
    "/v1/monitor/run",
    tokenRoute("admin", {
      tags,
      summary: "Compute drift and quality now (admin token); the result is a point of the history",
    }),
    async () => sources.run(),
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
      const snaps = await sources.snapshots(limit);
      return {
        points: snaps
          .map((s) => s.payload)
          .sort((a, b) => String((a as { at: string }).at).localeCompare(String((b as { at: string }).at))),
      };
    },
  );
}

// Getters as well as values (e2e fix): startServer registers these routes inside buildApp, BEFORE it
// creates the Monitor and the Retrainer, so values captured at registration were null for good —
// every alert was answered "ignored" and GET /v1/monitor threw. A getter reads them per request.
export function monitorRoutes(monitorRef: Lazy<Monitor | null>, retrainerRef: Lazy<Retrainer | null>) {
  const getMonitor = (): Monitor => {
    const m = typeof monitorRef === "function" ? monitorRef() : monitorRef;
    if (!m) throw new MillwrightError("MW_NOT_READY", "the monitor is not started yet");
    return m;
  };
  const getRetrainer = (): Retrainer | null =>
    typeof retrainerRef === "function" ? retrainerRef() : retrainerRef;
  return (app: FastifyInstance, ctx: Ctx): void => {
    const tags = ["monitoring"];
    app.get(
      "/v1/monitor",
      { schema: { tags, summary: "Latest drift and quality state (computed now if none yet)" } },
      async () => {
        const monitor = getMonitor();
        const s = monitor.latest() ?? (await monitor.runOnce());
        if (!s) throw new MillwrightError("MW_NOT_READY", "no model is loaded yet");
        return s;
      },
    );
    monitorHistoryRoutes(app, {
      run: () => getMonitor().runOnce(),
      snapshots: (limit) => ctx.store.listSnapshots(limit),
    });
    retrainTrailRoutes(app, {
      alerts: () => ctx.store.listAudit("alert", 100),
      audit: ctx.store,
      retrainer: getRetrainer,
    });
  };
}
