// GET /v1/plan (the latest plan, made on first ask) and POST /v1/plan (re-plan with other inputs).
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { PlanResult } from "../../plan/plan.js";
import { requireToken } from "../auth.js";
import type { Ctx } from "../context.js";
import { type PlanningConfig, loadPlanningConfig, planFor } from "../../plan/planning.js";

export interface PlanState {
  latest: PlanResult | null;
}

function numberIn(v: unknown, field: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
    throw new MillwrightError("MW_VALIDATION", `body.${field}: must be a number from ${min} to ${max}`, {
      field: `body.${field}`,
    });
  return v;
}

export function planRoutes(
  app: FastifyInstance,
  ctx: Ctx,
  opts: { techniciansFile?: string; costsFile?: string } = {},
): PlanState {
  const state: PlanState = { latest: null };
  ctx.plan = state;
  let config: PlanningConfig | null = null;
  const getConfig = () => {
    config ??= loadPlanningConfig(opts.techniciansFile, opts.costsFile);
    return config;
  };
  const make = async (horizonShifts: number, costPerHour?: number) => {
    const machines = ctx.fleet.recentReadings(50).filter((m) => m.history.length > 0);
    if (machines.length === 0)
      throw new MillwrightError(
        "MW_NOT_READY",
        "no machine has sent readings yet: nothing to plan (POST /v1/predict with machine_id first)",
      );
    const plan = await planFor({
      machines,
      bundle: ctx.models.require().bundle,
      config: getConfig(),
      horizonShifts,
      startTime: new Date(),
      costPerHour,
    });
    state.latest = plan;
    return plan;
  };
  const tags = ["plan"];
  // Concurrent first asks share one solve: each would otherwise start its own (seconds of CPU).
  let first: Promise<PlanResult> | null = null;
  app.get(
    "/v1/plan",
    { schema: { tags, summary: "The current maintenance plan (made now if there is none yet)" } },
    async () => {
      if (state.latest) return state.latest;
      first ??= make(21).finally(() => {
        first = null;
      });
      return first;
    },
  );
  app.post(
    "/v1/plan",
    {
      // It replaces the plan everyone sees and costs a solve: the admin's, like other changes.
      config: { ...ctx.authRoute, auth: "admin" },
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "Re-plan (admin token): tasks assigned to technicians and shifts, solved exactly with HiGHS",
        body: {
          type: "object",
          additionalProperties: false,
          properties: {
            horizon_days: { type: "number", minimum: 1, maximum: 14 },
            horizon_shifts: { type: "integer", minimum: 1, maximum: 42 },
            cost_per_hour: {
              type: "number",
              minimum: 0,
              description: "Cost of one hour of unplanned downtime (overrides the costs file)",
            },
          },
        },
      },
    },
    async (req) => {
      requireToken(req, ctx.tokens.admin, "admin");
      const b = (req.body ?? {}) as Record<string, unknown>;
      const days = numberIn(b.horizon_days, "horizon_days", 1, 14);
      const shifts = numberIn(b.horizon_shifts, "horizon_shifts", 1, 42);
      const cost = numberIn(b.cost_per_hour, "cost_per_hour", 0, 1e7);
      return make(shifts ?? Math.round((days ?? 7) * 3), cost);
    },
  );
  return state;
}
