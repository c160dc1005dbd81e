// makePlan: forecast → candidate tasks → exact MIP → a plan in words and snake_case JSON, the shape
// the CLI prints and POST /v1/plan answers.
import { MillwrightError } from "../core/errors.js";
import { DEFAULT_COSTS } from "./config.js";
import { forecastRisk, type MachineForecast, type MachineHistory } from "./forecast.js";
import { MODE_HEADS } from "../data/schema.js";
import { type MipStatus, solveMip } from "./mip.js";
import {
  checkSolved,
  horizonOf,
  type PlanHorizon,
  type TechnicianLoad,
  technicianLoad,
} from "./plan-shape.js";
import {
  describeTasks,
  describeUnplanned,
  type PlanContext,
  type PlannedTask,
  r2,
  type UnplannedRisk,
} from "./report.js";
import { buildShifts } from "./shifts.js";
import { buildOptions } from "./tasks.js";
import { type CostConfig, type PredictFn, plannedCostOf, type Technician } from "./types.js";

export { PLAN_HELP } from "./help.js";
export type { PlannedTask, UnplannedRisk } from "./report.js";

export interface PlanInput {
  machines: MachineHistory[];
  technicians: Technician[];
  costs?: CostConfig;
  predict: PredictFn;
  /** The horizon starts at the first shift boundary at or after this. */
  startTime: Date | string;
  horizonShifts: number;
  shiftHours?: number;
  dayStartHour?: number;
  utcOffsetMinutes?: number;
  /** Processes per hour (all machines, or per machine id); default from history timestamps, else 2. */
  usage?: number | Record<string, number>;
  timeLimitSeconds?: number;
  /** Unplanned risks below this cumulative probability are not listed. */
  riskThreshold?: number;
}

export interface PlanResult {
  status: MipStatus;
  solver_status: string;
  objective: number;
  gap: number | null;
  solve_ms: number;
  horizon: PlanHorizon;
  summary: {
    expected_failure_cost: number;
    avoided_cost: number;
    planned_cost: number;
    variables: number;
    constraints: number;
    candidates: number;
    pruned_no_value: number;
    pruned_no_skill_or_shift: number;
  };
  tasks: PlannedTask[];
  technicians: TechnicianLoad[];
  unplanned_risks: UnplannedRisk[];
  warnings: string[];
  /**
   * AI4I plans: per machine, the probability of a failure (any mode) by the end of each shift if
   * nothing is done, from the plan's forecast: the risk line a manager plans on (the machine page).
   */
  risk_ahead?: RiskAhead[];
}

export interface RiskAhead {
  machine_id: string;
  /** risk[s]: P(a first failure in shifts 0..s), Σ over modes and shifts of first_failure. */
  risk: number[];
}

/** The forecast's probability of a failure by the end of each shift, nothing done. */
export function riskAhead(fc: MachineForecast): RiskAhead {
  const risk: number[] = [];
  let sum = 0;
  for (let s = 0; s < fc.survival.length; s++) {
    for (const m of MODE_HEADS) sum += fc.first_failure[m][s];
    risk.push(Math.round(Math.min(1, sum) * 1e4) / 1e4);
  }
  return { machine_id: fc.machine_id, risk };
}

export async function makePlan(input: PlanInput): Promise<PlanResult> {
  const costs = input.costs ?? DEFAULT_COSTS;
  const shiftHours = input.shiftHours ?? 8;
  if (input.machines.length === 0) throw new MillwrightError("MW_BAD_INPUT", "no machines to plan for");
  if (input.technicians.length === 0) {
    throw new MillwrightError(
      "MW_INFEASIBLE",
      "no technicians: a plan needs at least one technician to assign tasks to",
    );
  }
  const slots = buildShifts({ ...input, shiftHours });
  const warnings: string[] = [];
  const usable = input.machines.filter((m) => {
    if (m.history.length > 0) return true;
    warnings.push(`${m.id}: no recent readings, so no forecast and no tasks`);
    return false;
  });
  if (usable.length === 0)
    throw new MillwrightError("MW_BAD_INPUT", "no machine has recent readings to forecast from");
  const base = { ...input, machines: usable, shiftHours, startTime: slots[0].start };
  const forecasts = forecastRisk(base);
  const fresh = forecastRisk({ ...base, toolChangeAt: Object.fromEntries(usable.map((m) => [m.id, 0])) });
  const set = buildOptions({ technicians: input.technicians, slots, shiftHours }, forecasts, fresh, costs);
  const totalCap = set.capacity.reduce((a, row) => a + row.reduce((b, c) => b + c, 0), 0);
  if (totalCap === 0) {
    throw new MillwrightError(
      "MW_INFEASIBLE",
      `no technician works any shift between ${slots[0].label} and ${slots[slots.length - 1].label}: there is no capacity to plan with`,
      { technicians: input.technicians.map((t) => t.name) },
    );
  }
  const models = [...new Set(forecasts.map((f) => f.machine_model))];
  for (const model of models) {
    if (!input.technicians.some((t) => t.skills.includes("*") || t.skills.includes(model))) {
      warnings.push(`no technician can service a ${model}: its machines get no tasks`);
    }
  }

  const mip = await solveMip(set, { timeLimitSeconds: input.timeLimitSeconds });
  checkSolved(mip, warnings);
  const chosen = mip.chosen.map((j) => set.options[j]);
  const ctx: PlanContext = { set, forecasts, fresh, slots, costs, technicians: input.technicians };
  const tasks = describeTasks(ctx, chosen);

  const technicians = technicianLoad(input.technicians, slots, set.capacity, chosen);

  const { unplanned, expected } = describeUnplanned(ctx, chosen, input.riskThreshold ?? 0.05);
  unplanned.sort((a, b) => b.expected_cost - a.expected_cost);
  // The chain savings of several changes do not add up task by task; the MIP's objective does.
  const plannedTotal = chosen.reduce((a, o) => a + plannedCostOf(costs, o.task), 0);
  return {
    status: mip.status,
    solver_status: mip.solver_status,
    objective: r2(mip.objective),
    gap: mip.gap,
    solve_ms: Math.round(mip.solve_ms * 10) / 10,
    horizon: horizonOf(slots, shiftHours),
    summary: {
      expected_failure_cost: r2(expected),
      avoided_cost: r2(mip.objective + plannedTotal),
      planned_cost: r2(plannedTotal),
      variables: mip.variables,
      constraints: mip.constraints,
      candidates: set.considered,
      pruned_no_value: set.prunedNoValue,
      pruned_no_skill_or_shift: set.prunedNoSkillOrShift,
    },
    tasks,
    technicians,
    unplanned_risks: unplanned,
    warnings,
    risk_ahead: forecasts.map(riskAhead),
  };
}
