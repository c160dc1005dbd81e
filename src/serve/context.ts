// What every route needs, built once by buildApp and passed to each route module.
import type { ScenarioName } from "../data/scenarios.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { PredictionStore } from "../store/types.js";
import type { Metrics } from "../metrics/ai4i.js";
import type { ModelService } from "./model-service.js";
import type { FleetCache } from "./fleet-cache.js";
import type { ExplainBudget } from "./explain-budget.js";
import type { MachineTable } from "./machine-table.js";
import type { KeptPlan } from "./plan-keeper.js";
import type { ShadowTap } from "./ai4i-shadow.js";

export interface Tokens {
  admin?: string;
  feedback?: string;
  hook?: string;
}

export interface ServerState {
  /** False while draining for shutdown: readiness answers 503. */
  accepting: boolean;
}

export interface Ctx {
  registry: ModelRegistry;
  models: ModelService;
  store: PredictionStore;
  metrics: Metrics;
  tokens: Tokens;
  maxBatch: number;
  state: ServerState;
  fleet: FleetCache;
  /** The shop's machines: only these enter the fleet board and the plan. */
  machines: MachineTable;
  /** Explanations (TreeSHAP on the event loop) per request at most, and per second for all clients. */
  maxExplain: number;
  explainBudget: ExplainBudget;
  /** Shadow mode: what was logged and labelled is handed to it (ai4i-shadow.ts). */
  shadow?: ShadowTap;
  /** The latest maintenance plan, when the plan routes are mounted. */
  plan?: { latest: KeptPlan | null };
  /** The live fleet simulation, when `millwright up --simulate` runs one. */
  simulation?: SimulationView | null;
}

/** What the sim routes (routes/sim.ts) see of a live simulation, on either server. */
export interface SimulationView {
  setScenario(name: ScenarioName | null): void;
  scenario(): ScenarioName | null;
  clock(): { shop_time: string | null; speedup: number };
  stats(): object;
}
