// PUT /v1/plan/technicians and PUT /v1/plan/costs on the AI4I server (admin token): YAML as for
// `millwright plan --technicians` / `--costs`, checked by the CLI's own parsers (errors name the key
// path, MW_CONFIG, 400), kept in the data directory where it wins over MILLWRIGHT_TECHNICIANS /
// MILLWRIGHT_COSTS, and the plan goes stale (re-made in the background).
import type { FastifyInstance } from "fastify";
import { MODE_HEADS } from "../../data/schema.js";
import { failureCostOf } from "../../plan/types.js";
import { requireToken } from "../auth.js";
import { tokenRoute } from "../auth-gate.js";
import type { Ctx } from "../context.js";
import type { Ai4iPlanKeeper } from "../plan-keeper.js";

const YAML_BODY = {
  type: "object",
  required: ["yaml"],
  additionalProperties: false,
  properties: { yaml: { type: "string", minLength: 1, maxLength: 1_000_000 } },
} as const;

export function planUploadRoutes(app: FastifyInstance, ctx: Ctx, keeper: Ai4iPlanKeeper): void {
  const route = (summary: string) => tokenRoute("admin", { tags: ["plan"], summary, body: YAML_BODY });
  app.put(
    "/v1/plan/technicians",
    route(
      "Upload the technicians (admin token): YAML as for millwright plan --technicians, checked the same way; the plan goes stale",
    ),
    async (req) => {
      requireToken(req, ctx.tokens.admin, "admin");
      const technicians = keeper.uploadTechnicians((req.body as { yaml: string }).yaml);
      return { technicians: technicians.map((t) => t.name), source: keeper.planning().source.technicians };
    },
  );
  app.put(
    "/v1/plan/costs",
    route(
      "Upload the costs (admin token): YAML as for millwright plan --costs, checked the same way; the plan goes stale",
    ),
    async (req) => {
      requireToken(req, ctx.tokens.admin, "admin");
      const costs = keeper.uploadCosts((req.body as { yaml: string }).yaml);
      return {
        planned_cost_per_hour: costs.plannedCostPerHour,
        failure_cost: Object.fromEntries(MODE_HEADS.map((m) => [m, failureCostOf(costs.failure[m])])),
        source: keeper.planning().source.costs,
      };
    },
  );
}
