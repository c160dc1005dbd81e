// Types every server module shares: the tokens it checks and what the sim routes see of a live
// simulation.
import type { ScenarioName } from "../data/scenarios.js";

export interface Tokens {
  admin?: string;
  feedback?: string;
  hook?: string;
}

/** What the sim routes (routes/sim.ts) see of a live simulation. */
export interface SimulationView {
  setScenario(name: ScenarioName | null): void;
  scenario(): ScenarioName | null;
  clock(): { shop_time: string | null; speedup: number };
  stats(): object;
}
