// Connects the planner to the served model and the configured technicians and costs: the model's
// calibrated per-reading probabilities become the planner's PredictFn.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { PACKAGE_ROOT } from "../core/version.js";
import { MACHINE_MODELS } from "../data/machines.js";
import { MODE_HEADS, type ModeHead, type Reading } from "../data/schema.js";
import { featureMatrix } from "../features/physics.js";
import { DEFAULT_COSTS, parseCosts, parseTechnicians } from "./config.js";
import type { MachineHistory } from "./forecast.js";
import { type PlanResult, makePlan } from "./plan.js";
import type { CostConfig, PredictFn, Technician } from "./types.js";
import { type ModelBundle, predictBundle } from "../train/bundle.js";

export function predictFnOf(bundle: ModelBundle): PredictFn {
  return (readings: Reading[]) => {
    if (readings.length === 0) return [];
    const p = predictBundle(bundle, featureMatrix(readings));
    return readings.map((_, i) => {
      const modes = {} as Record<ModeHead, number>;
      for (const m of MODE_HEADS) modes[m] = p.modes[m]?.[i] ?? 0;
      return { failure: p.failure[i], modes };
    });
  };
}

export interface PlanningConfig {
  technicians: Technician[];
  costs: CostConfig;
  source: { technicians: string; costs: string };
}

/** Technicians and costs from files (default: the shipped examples). */
export function loadPlanningConfig(techniciansFile?: string, costsFile?: string): PlanningConfig {
  const tFile = techniciansFile ?? join(PACKAGE_ROOT, "examples", "technicians.yaml");
  if (!existsSync(tFile))
    throw new MillwrightError("MW_CONFIG", `${tFile}: technicians file not found`, { file: tFile });
  const technicians = parseTechnicians(readFileSync(tFile, "utf8"), tFile);
  let costs = DEFAULT_COSTS;
  const cFile = costsFile ?? join(PACKAGE_ROOT, "examples", "costs.yaml");
  if (costsFile || existsSync(cFile)) {
    if (!existsSync(cFile))
      throw new MillwrightError("MW_CONFIG", `${cFile}: costs file not found`, { file: cFile });
    costs = parseCosts(readFileSync(cFile, "utf8"), cFile);
  }
  return { technicians, costs, source: { technicians: tFile, costs: cFile } };
}

export function knownModels(): string[] {
  return MACHINE_MODELS.map((m) => m.name);
}

export interface PlanRequest {
  machines: MachineHistory[];
  bundle: ModelBundle;
  config: PlanningConfig;
  horizonShifts: number;
  startTime: Date;
  costPerHour?: number;
}

export function planFor(req: PlanRequest): Promise<PlanResult> {
  let costs = req.config.costs;
  if (req.costPerHour !== undefined) {
    const failure = {} as CostConfig["failure"];
    for (const m of MODE_HEADS) failure[m] = { ...costs.failure[m], costPerHour: req.costPerHour };
    costs = { ...costs, failure };
  }
  return makePlan({
    machines: req.machines,
    technicians: req.config.technicians,
    costs,
    predict: predictFnOf(req.bundle),
    startTime: req.startTime,
    horizonShifts: req.horizonShifts,
    timeLimitSeconds: 10,
  });
}
