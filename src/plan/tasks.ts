// Maintenance tasks and what each is worth.
//
// Checks (cooling-system check for HDF, load/power inspection for PWF) leave the machine's state
// as it was and remove `effectiveness` of their mode's first-failure risk from their shift to the
// horizon's end: a fixed value per candidate, at most once per machine per horizon.
//
// Tool changes (TWF, OSF) install a new tool that wears again, and a tool lasts a few days while a
// horizon may be a week, so a machine may need several. They are valued as a chain: the horizon is
// cut into segments by the chosen change shifts, each segment [a, b) run by the tool installed at a
// (a = −1: the tool in the machine now, on the unmaintained curve; otherwise a new tool, on the
// fresh-tool curve from its install) and costing that tool's expected TWF/OSF failure cost over the
// segment. The MIP picks the chain (mip.ts, a unit flow through the change shifts).
//
// Values on one machine add up because each mode belongs to one task; the small interaction through
// survival (preventing one mode lets the machine live long enough to fail of another) is ignored,
// which keeps the objective linear.
import type { MachineForecast } from "./forecast.js";
import { type ChainCosts, chainArcs, type MipOption, type MipProblem } from "./mip.js";
import { CandidateTally, type Crew } from "./shifts.js";
import {
  type CostConfig,
  failureCostOf,
  plannedCostOf,
  TASK_MODES,
  TASK_TYPES,
  type TaskType,
  type Technician,
} from "./types.js";

/** Expected cost of failures of `task`'s modes in shifts [from, to), unmaintained. */
export function expectedFailureCost(
  fc: MachineForecast,
  task: TaskType,
  costs: CostConfig,
  from = 0,
  to?: number,
): number {
  let total = 0;
  for (const m of TASK_MODES[task]) {
    const c = failureCostOf(costs.failure[m]);
    const f = fc.first_failure[m];
    for (let s = from; s < (to ?? f.length); s++) total += f[s] * c;
  }
  return total;
}

/** Expected cost avoided by a check (not a tool change) done at the start of shift `shift`. */
export function avoidedCost(fc: MachineForecast, task: TaskType, shift: number, costs: CostConfig): number {
  return costs.tasks[task].effectiveness * expectedFailureCost(fc, task, costs, shift);
}

/**
 * Segment costs of one machine's tool chain: cost[a + 1][b] for −1 ≤ a < b ≤ S (b = S: the
 * horizon's end). A new tool's segment of length L costs the fresh-tool curve's first L shifts,
 * whatever its install shift, because nothing but wear changes with time in the forecast.
 */
export function toolChainCosts(fc: MachineForecast, fresh: MachineForecast, costs: CostConfig): ChainCosts {
  const S = fc.shifts.length;
  const current = [0];
  for (let b = 1; b <= S; b++)
    current.push(current[b - 1] + expectedFailureCost(fc, "tool_change", costs, b - 1, b));
  const byLength = [0];
  for (let L = 1; L <= S; L++)
    byLength.push(byLength[L - 1] + expectedFailureCost(fresh, "tool_change", costs, L - 1, L));
  const cost: number[][] = [current];
  for (let a = 0; a < S; a++)
    cost.push(Array.from({ length: S + 1 }, (_, b) => (b > a ? byLength[b - a] : 0)));
  return { horizon: S, cost };
}

/** A candidate: a MIP column, with what the plan needs to report it. */
export interface TaskOption extends MipOption {
  machine: number;
  task: TaskType;
  /** Expected cost avoided (checks only; a tool change's worth depends on the chain). */
  avoided: number;
}

export interface OptionSet extends MipProblem {
  options: TaskOption[];
  /** Candidates before pruning (machine × task × shift × technician) and how many were dropped why. */
  considered: number;
  prunedNoValue: number;
  prunedNoSkillOrShift: number;
}

export function canService(tech: Technician, model: string): boolean {
  return tech.skills.includes("*") || tech.skills.includes(model);
}

/**
 * Candidates worth a variable. Pruning keeps the MIP small without losing the optimum:
 * - a check whose net value (avoided − planned cost) is ≤ 0: doing nothing is feasible and as good;
 * - tool changes on a machine whose current tool's expected failure cost over the whole horizon is
 *   at most one change's cost: any chain of k ≥ 1 changes saves at most that and costs k changes;
 * - tool changes at shifts that no useful chain segment leads to (mip.ts, chainArcs);
 * - no skill for the model, a shift the technician does not work, or a task longer than the
 *   technician's hours in that shift: the variable would be fixed at 0 by its constraints anyway.
 */
export function buildOptions(
  crew: Crew,
  forecasts: MachineForecast[],
  /** The same machines' forecasts with a new tool at the horizon's start (toolChangeAt 0). */
  fresh: MachineForecast[],
  costs: CostConfig,
): OptionSet {
  const tally = new CandidateTally(crew);
  const options: TaskOption[] = [];
  const chains: ChainCosts[] = [];
  let group = 0;
  forecasts.forEach((fc, i) => {
    const chain = toolChainCosts(fc, fresh[i], costs);
    chains.push(chain);
    for (const task of TASK_TYPES) {
      const hours = costs.tasks[task].hours;
      const planned = plannedCostOf(costs, task);
      const isChain = task === "tool_change";
      const hopeless = isChain && chain.cost[0][crew.slots.length] <= planned;
      if (!isChain) group++;
      for (let s = 0; s < crew.slots.length; s++) {
        if (isChain) group++; // one change per machine per shift
        const avoided = isChain ? 0 : avoidedCost(fc, task, s, costs);
        const value = avoided - planned;
        crew.technicians.forEach((tech, t) => {
          const skilled = canService(tech, fc.machine_model);
          if (!tally.admit(t, s, hours, { skilled, worth: isChain ? !hopeless : value > 0 })) return;
          const o: TaskOption = { group, machine: i, task, shift: s, technician: t, hours, avoided, value };
          if (isChain) o.chain = i;
          options.push(o);
        });
      }
    }
  });
  // Tool changes no kept chain arc can reach (see chainArcs) would be fixed at 0: drop them too.
  const reachable = chains.map((chain, i) => {
    const points = [...new Set(options.filter((o) => o.chain === i).map((o) => o.shift))].sort(
      (a, b) => a - b,
    );
    return new Set(chainArcs(chain, points, plannedCostOf(costs, "tool_change")).map(([, b]) => b));
  });
  const kept = options.filter((o) => o.chain === undefined || reachable[o.chain].has(o.shift));
  return {
    options: kept,
    capacity: tally.capacity,
    chains,
    considered: tally.considered,
    prunedNoValue: tally.prunedNoValue + options.length - kept.length,
    prunedNoSkillOrShift: tally.prunedNoSkillOrShift,
  };
}
