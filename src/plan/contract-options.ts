// Candidate tasks for a data-contract plan: a task of a head on a machine in a shift by a
// technician, each with its numbers from the same forecast (contract-risk.ts). The solver input is
// the generic MipOption (mip-model.ts): tasks are named by the contract, not by a fixed union.
// At most one of a task per machine per plan (group): a second one's worth depends on the first,
// which a fixed value per candidate cannot say; min_interval keeps it from following the last one.
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

/** A technician can do a task who has every skill it names, or "*". */
export function qualified(tech: Technician, task: TaskSpec): boolean {
  return tech.skills.includes("*") || task.skills.every((s) => tech.skills.includes(s));
}

export function contractOptions(
  crew: Crew,
  forecasts: ContractForecast[],
  plannedCostPerHour: number,
): ContractOptionSet {
  const tally = new CandidateTally(crew);
  const options: ContractOption[] = [];
  let group = 0;
  forecasts.forEach((fc, i) => {
    fc.heads.forEach((f, k) => {
      const task = f.spec.task;
      if (!task) return;
      group++;
      for (let s = 0; s < crew.slots.length; s++) {
        const n = taskNumbers(f, s, plannedCostPerHour);
        const value = n.avoided - n.planned;
        crew.technicians.forEach((tech, t) => {
          const ok = { skilled: qualified(tech, task), worth: value > 0, tooSoon: s < f.earliest };
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
