// Switch the live simulation's drift scenario while it runs (admin token).
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { SCENARIOS, type ScenarioName } from "../../data/scenarios.js";
import type { Ctx } from "../context.js";
import { tokenRoute } from "../auth-gate.js";

export function simRoutes(app: FastifyInstance, ctx: Ctx): void {
  const tags = ["simulation"];
  app.get(
    "/v1/sim",
    { schema: { tags, summary: "The live simulation's state and the scenarios it knows" } },
    async () => ({
      running: Boolean(ctx.simulation),
      // The scenario now, not the one it started with: the Monitoring page's selector shows it.
      scenario: ctx.simulation?.scenario() ?? null,
      clock: ctx.simulation?.clock() ?? null,
      stats: ctx.simulation?.stats() ?? null,
      scenarios: SCENARIOS.map((s) => ({ name: s.name, description: s.description })),
    }),
  );
  app.post(
    "/v1/sim/scenario",
    tokenRoute("admin", {
      tags,
      summary: "Switch a drift scenario on (or off with null) in the live simulation; needs the admin token",
      body: {
        type: "object",
        required: ["scenario"],
        properties: { scenario: { type: ["string", "null"] } },
      },
    }),
    async (req) => {
      const name = (req.body as { scenario: string | null }).scenario;
      if (name !== null && !SCENARIOS.some((s) => s.name === name))
        throw new MillwrightError(
          "MW_VALIDATION",
          `body.scenario: unknown '${name}'; one of ${SCENARIOS.map((s) => s.name).join(", ")}`,
          {
            field: "body.scenario",
          },
        );
      if (!ctx.simulation)
        throw new MillwrightError(
          "MW_NOT_FOUND",
          "no live simulation is running (start with `millwright up --simulate`)",
        );
      ctx.simulation.setScenario(name as ScenarioName | null);
      return { scenario: name };
    },
  );
}
