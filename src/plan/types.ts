// Shapes shared by the planner's files: the model's per-reading answer, technicians, costs, tasks.
import type { ModeHead, Reading } from "../data/schema.js";

/** The model's answer for one reading: per-process probabilities of failure and of each mode. */
export interface RiskPrediction {
  failure: number;
  modes: Record<ModeHead, number>;
}

/** Batch prediction, passed in by the caller so the planner never depends on the model code. */
export type PredictFn = (readings: Reading[]) => RiskPrediction[];

export const TASK_TYPES = ["tool_change", "cooling_check", "load_inspection"] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** Which failure modes each task prevents: the wear modes need a fresh tool, heat the cooling, power the load. */
export const TASK_MODES: Record<TaskType, readonly ModeHead[]> = {
  tool_change: ["twf", "osf"],
  cooling_check: ["hdf"],
  load_inspection: ["pwf"],
};

export const TASK_WORDS: Record<TaskType, string> = {
  tool_change: "tool change",
  cooling_check: "cooling-system check",
  load_inspection: "load/power inspection",
};

export const MODE_WORDS: Record<ModeHead, string> = {
  twf: "tool wear",
  hdf: "heat dissipation",
  pwf: "power",
  osf: "overstrain",
};

/** One allowed shift pattern: `days` 0 = Sunday … 6 = Saturday; either part may be absent (= any). */
export interface ShiftPattern {
  days?: number[];
  shift?: string;
}

export interface Technician {
  name: string;
  /** Machine model names this technician can service; "*" = every model. */
  skills: string[];
  hoursPerShift: number;
  /** Shifts worked; absent = every shift. */
  shifts?: ShiftPattern[];
}

/** Cost of one unplanned failure of a mode: downtime × hourly cost of a stopped machine, plus repair. */
export interface FailureCost {
  downtimeHours: number;
  costPerHour: number;
  repairCost: number;
}

export interface TaskCost {
  /** Technician hours the task takes. */
  hours: number;
  /** Parts and consumables (a new tool, coolant, filters). */
  partsCost: number;
  /** Fraction of its modes' risk a check removes from its shift on (0–1]; 1 for a tool change. */
  effectiveness: number;
}

export interface CostConfig {
  failure: Record<ModeHead, FailureCost>;
  /** Cost per hour of planned work: technician time plus the planned stop of the machine. */
  plannedCostPerHour: number;
  tasks: Record<TaskType, TaskCost>;
}

export function failureCostOf(c: FailureCost): number {
  return c.downtimeHours * c.costPerHour + c.repairCost;
}

export function plannedCostOf(costs: CostConfig, task: TaskType): number {
  const t = costs.tasks[task];
  return t.hours * costs.plannedCostPerHour + t.partsCost;
}
