// Switch the live simulation's drift scenario while it runs (admin token). Mounted only when the
// server was started with a simulator (without one both routes are its 404).
import type { FastifyInstance } from "fastify";
import { MillwrightError } from "../../core/errors.js";
import { SCENARIOS, type ScenarioName } from "../../data/scenarios.js";
import { tokenRoute } from "../auth-gate.js";

/** What the sim routes see of a live simulation. */
export interface SimulationView {
  setScenario(name: ScenarioName | null): void;
  scenario(): ScenarioName | null;
  clock(): { shop_time: string | null; speedup: number };
  stats(): object;
}

/** `simulation` is asked per request: the simulation starts once the server listens (it needs the URL). */
export function simRoutes(app: FastifyInstance, simulation: () => SimulationView | null | undefined): void {
  const tags = ["simulation"];
  app.get(
    "/v1/sim",
    { schema: { tags, summary: "The live simulation's state and the scenarios it knows" } },
    async () => {
      const sim = simulation();
      return {
        running: Boolean(sim),
        // The scenario now, not the one it started with: the Monitoring page's selector shows it.
        scenario: sim?.scenario() ?? null,
        clock: sim?.clock() ?? null,
        stats: sim?.stats() ?? null,
        scenarios: SCENARIOS.map((s) => ({ name: s.name, description: s.description })),
      };
    },
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
          { field: "body.scenario" },
        );
      const sim = simulation();
      if (!sim)
        throw new MillwrightError(
          "MW_NOT_FOUND",
          "no live simulation is running (start with `millwright up --simulate`)",
        );
      sim.setScenario(name as ScenarioName | null);
      return { scenario: name };
    },
  );
}
