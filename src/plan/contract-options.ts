// Candidate tasks for a data-contract plan: a task of a head on a machine in a shift by a
// technician, each with its numbers from the same forecast (contract-risk.ts). The solver input is
// the generic MipOption (mip-model.ts): tasks are named by the contract, not by a fixed union.
// At most one of a task per machine per plan (group): a second one's worth depends on the first,
// which a fixed value per candidate cannot say; min_interval keeps it from following the last one.
// A candidate must also clear the plan's minimum return (minReturn): a task whose expected saving is
// barely above its cost is where an over-high forecast turns a plan's gain into a loss (issue 16).
import { MillwrightError } from "../core/errors.js";
import { failureCostOf, plannedCostOfTask } from "../contract/tasks.js";
import type { TaskSpec } from "../contract/types.js";
import { type ContractForecast, cumulative, type HeadForecast } from "./contract-forecast.js";
import type { MipOption, MipProblem } from "./mip-model.js";
import { CandidateTally, type Crew } from "./shifts.js";
import type { Technician } from "./types.js";

/** The numbers of one task done at one shift: a row's risk_before, risk_after and avoided_cost come from here. */
export interface TaskNumbers {
  /** Probability of no failure of the head before the shift. */
  reach: number;
  /** Probability of a failure of the head from the shift to the plan's end, given none before: without the task, with it. */
  before: number;
  after: number;
  failureCost: number;
  /** failureCost × reach × (before − after). */
  avoided: number;
  planned: number;
}

export function taskNumbers(f: HeadForecast, s: number, plannedCostPerHour: number): TaskNumbers {
  const task = f.spec.task as TaskSpec;
  const S = f.hazard.length;
  const reach = 1 - cumulative(f.hazard, 0, s);
  const before = cumulative(f.hazard, s, S);
  const eff = task.effectiveness;
  // With an event, the model says what it removes and effectiveness is the share a real task gets;
  // a check changes no feature, so effectiveness is all there is.
  const after = f.hazardAfter
    ? before - eff * (before - cumulative(f.hazardAfter[s], s, S))
    : (1 - eff) * before;
  const failureCost = failureCostOf(f.spec);
  return {
    reach,
    before,
    after,
    failureCost,
    avoided: failureCost * reach * (before - after),
    planned: plannedCostOfTask(task, plannedCostPerHour),
  };
}

export interface ContractOption extends MipOption {
  machine: number;
  head: number;
  numbers: TaskNumbers;
}

export interface ContractOptionSet extends MipProblem {
  options: ContractOption[];
  considered: number;
  prunedNoValue: number;
  prunedNoSkillOrShift: number;
  prunedInterval: number;
}

/**
 * The return a task must promise over its cost to be planned (avoided ≥ (1 + this) × cost), unless
 * told. 0.2 was measured in the plan backtest (issue 16, 5 seeds, both planners) and not adopted: the
 * MIP's total rose 0.5 % (README "Tasks and the plan").
 */
export const DEFAULT_MIN_RETURN = 0;

/** Refuses a margin that is not a number ≥ 0 (the field named as the CLI and API spell it). */
export function checkMinReturn(v: number): number {
  if (!Number.isFinite(v) || v < 0)
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `min_return: must be a number ≥ 0 (0.2 = 20 % over a task's cost), got ${v}`,
      {
        field: "min_return",
      },
    );
  return v;
}

/**
 * Whether a task is worth planning: it avoids more than it costs and at least (1 + minReturn) × its
 * cost. The objective stays avoided − planned; the margin only decides which candidates exist.
 */
export function worthPlanning(n: { avoided: number; planned: number }, minReturn: number): boolean {
  return n.avoided - n.planned > 0 && n.avoided >= (1 + minReturn) * n.planned;
}

/** A technician can do a task who has every skill it names, or "*". */
export function qualified(tech: Technician, task: TaskSpec): boolean {
  return tech.skills.includes("*") || task.skills.every((s) => tech.skills.includes(s));
}

export function contractOptions(
  crew: Crew,
  forecasts: ContractForecast[],
  plannedCostPerHour: number,
  minReturn = DEFAULT_MIN_RETURN,
): ContractOptionSet {
  const tally = new CandidateTally(crew);
  const options: ContractOption[] = [];
  let group = 0;
  forecasts.forEach((fc, i) => {
    fc.heads.forEach((f, k) => {
      const task = f.spec.task;
      // A task under way in the shift in progress (carried from the plan before) is not a candidate.
      if (!task || f.underWay !== undefined) return;
      group++;
      for (let s = 0; s < crew.slots.length; s++) {
        if (f.skipped?.has(s)) continue;
        const n = taskNumbers(f, s, plannedCostPerHour);
        const value = n.avoided - n.planned;
        const worth = worthPlanning(n, minReturn);
        crew.technicians.forEach((tech, t) => {
          const ok = { skilled: qualified(tech, task), worth, tooSoon: s < f.earliest };
          if (tally.admit(t, s, task.hours, ok))
            options.push({
              group,
              machine: i,
              head: k,
              shift: s,
              technician: t,
              hours: task.hours,
              value,
              numbers: n,
            });
        });
      }
    });
  });
  const { capacity, considered, prunedNoValue, prunedNoSkillOrShift, prunedInterval } = tally;
  return { options, capacity, considered, prunedNoValue, prunedNoSkillOrShift, prunedInterval };
}
