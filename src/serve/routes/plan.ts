// GET /v1/plan (the latest plan, made on first ask, re-made when stale: plan-keeper.ts) and POST
// /v1/plan (re-plan with other inputs); the technicians and costs uploads are in plan-uploads.ts.
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import type { Ctx } from "../context.js";
import { planFor } from "../../plan/planning.js";
import { Ai4iPlanKeeper, type PlanMaker, newestReading } from "../plan-keeper.js";
import { planUploadRoutes } from "./plan-uploads.js";
import { HORIZON_PROPERTIES } from "../plan-horizon.js";
import { tokenRoute } from "../auth-gate.js";

export type PlanState = Ai4iPlanKeeper;

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
  opts: { techniciansFile?: string; costsFile?: string; dataDir?: string } = {},
): PlanState {
  const state = new Ai4iPlanKeeper(opts, () => ctx.models.current?.bundle.version ?? null);
  ctx.plan = state;
  // The last inputs' maker is kept, so asks with the same inputs share a solve (plan-keeper.ts);
  // one only, so admins re-planning with many costs keep nothing.
  let last: { key: string; maker: PlanMaker } | null = null;
  /** A plan maker for these inputs: the fleet's readings as they are when it runs. */
  const maker = (horizonShifts: number, costPerHour?: number): PlanMaker => {
    const key = `${horizonShifts}:${costPerHour}`;
    if (last?.key === key) return last.maker;
    const made: PlanMaker = async (config) => {
      const machines = ctx.fleet.recentReadings(50).filter((m) => m.history.length > 0);
      if (machines.length === 0)
        throw new MillwrightError(
          "MW_NOT_READY",
          "no machine has sent readings yet: nothing to plan (POST /v1/predict with machine_id first)",
        );
      const bundle = ctx.models.require().bundle;
      const plan = await planFor({
        machines,
        bundle,
        config,
        horizonShifts,
        startTime: new Date(),
        costPerHour,
      });
      return {
        ...plan,
        model: { name: bundle.name, version: bundle.version },
        data_time: newestReading(machines),
        made_at: new Date().toISOString(),
      };
    };
    last = { key, maker: made };
    return made;
  };
  planUploadRoutes(app, state);
  const tags = ["plan"];
  app.get(
    "/v1/plan",
    {
      schema: {
        tags,
        summary: "The current maintenance plan (made on first ask; stale: true while a new one is made)",
      },
    },
    async () => state.current(maker(21)),
  );
  app.post(
    "/v1/plan",
    // It replaces the plan everyone sees and costs a solve: the admin's, like other changes.
    tokenRoute("admin", {
      tags,
      summary: "Re-plan (admin token): tasks assigned to technicians and shifts, solved exactly with HiGHS",
      body: {
        type: "object",
        additionalProperties: false,
        properties: {
          ...HORIZON_PROPERTIES,
          cost_per_hour: {
            type: "number",
            minimum: 0,
            description: "Cost of one hour of unplanned downtime (overrides the costs file)",
          },
        },
      },
    }),
    async (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const days = numberIn(b.horizon_days, "horizon_days", 1, 14);
      const shifts = numberIn(b.horizon_shifts, "horizon_shifts", 1, 42);
      const cost = numberIn(b.cost_per_hour, "cost_per_hour", 0, 1e7);
      return state.view(await state.replan(maker(shifts ?? Math.round((days ?? 7) * 3), cost)));
    },
  );
  return state;
}
