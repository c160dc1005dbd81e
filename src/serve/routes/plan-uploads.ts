// PUT /v1/plan/technicians and PUT /v1/plan/costs on the AI4I server (admin token): YAML as for
// `millwright plan --technicians` / `--costs`, checked by the CLI's own parsers (errors name the key
// path, MW_CONFIG, 400), kept in the data directory where it wins over MILLWRIGHT_TECHNICIANS /
// MILLWRIGHT_COSTS, and the plan goes stale (re-made in the background).
import type { FastifyInstance } from "fastify";
import { MODE_HEADS } from "../../data/schema.js";
import { failureCostOf } from "../../plan/types.js";
import { tokenRoute } from "../auth-gate.js";
import type { Ai4iPlanKeeper } from "../plan-keeper.js";

const YAML_BODY = {
  type: "object",
  required: ["yaml"],
  additionalProperties: false,
  properties: { yaml: { type: "string", minLength: 1, maxLength: 1_000_000 } },
} as const;

export function planUploadRoutes(app: FastifyInstance, keeper: Ai4iPlanKeeper): void {
  const upload = (what: "technicians" | "costs", apply: (yaml: string) => object) =>
    app.put(
      `/v1/plan/${what}`,
      tokenRoute("admin", {
        tags: ["plan"],
        summary: `Upload the ${what} (admin token): YAML as for millwright plan --${what}, checked the same way; the plan goes stale`,
        body: YAML_BODY,
      }),
      async (req) => {
        return apply((req.body as { yaml: string }).yaml);
      },
    );
  upload("technicians", (yaml) => ({
    technicians: keeper.uploadTechnicians(yaml).map((t) => t.name),
    source: keeper.planning().source.technicians,
  }));
  upload("costs", (yaml) => {
    const costs = keeper.uploadCosts(yaml);
    return {
      planned_cost_per_hour: costs.plannedCostPerHour,
      failure_cost: Object.fromEntries(MODE_HEADS.map((m) => [m, failureCostOf(costs.failure[m])])),
      source: keeper.planning().source.costs,
    };
  });
}
