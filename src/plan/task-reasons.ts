// Plain words for the plan: why each task is there, and why a risk was left without one.
import type { ModeHead } from "../data/schema.js";
import type { MachineForecast } from "./forecast.js";
import type { ChainCosts } from "./mip.js";
import type { ShiftSlot } from "./shifts.js";
import { avoidedCost, canService, expectedFailureCost, type OptionSet } from "./tasks.js";
import {
  type CostConfig,
  failureCostOf,
  MODE_WORDS,
  plannedCostOf,
  TASK_MODES,
  TASK_WORDS,
  type TaskType,
  type Technician,
} from "./types.js";

export function pct(p: number): string {
  if (p > 0 && p < 0.01) return "< 1 %";
  return `${Math.round(p * 100)} %`;
}

export function money(v: number): string {
  return Math.round(v).toLocaleString("en-GB");
}

/** Combined standalone risk of a task's modes by the end of each shift. */
export function taskRiskCurve(fc: MachineForecast, task: TaskType): number[] {
  const modes = TASK_MODES[task];
  return fc.cumulative[modes[0]].map((_, s) => 1 - modes.reduce((a, m) => a * (1 - fc.cumulative[m][s]), 1));
}

/** The task's mode that carries most of the expected cost in shifts [from, to) of `fc`. */
export function dominantMode(
  fc: MachineForecast,
  task: TaskType,
  costs: CostConfig,
  from = 0,
  to?: number,
): ModeHead {
  let best = TASK_MODES[task][0];
  let bestCost = -1;
  for (const m of TASK_MODES[task]) {
    const c =
      failureCostOf(costs.failure[m]) * fc.first_failure[m].slice(from, to).reduce((a, b) => a + b, 0);
    if (c > bestCost) {
      best = m;
      bestCost = c;
    }
  }
  return best;
}

/**
 * Standalone cumulative risk of `mode`, by the end of shift t, of the tool installed at `installedAt`
 * (−1: the tool in the machine now) — or, for a check, of the machine as it is.
 */
export function riskCurve(
  fc: MachineForecast,
  fresh: MachineForecast | undefined,
  mode: ModeHead,
  installedAt = -1,
): (t: number) => number {
  if (installedAt < 0 || !fresh) return (t) => (t < 0 ? 0 : fc.cumulative[mode][t]);
  return (t) => (t < installedAt ? 0 : fresh.cumulative[mode][t - installedAt]);
}

/** "risk of overstrain failure reaches 38 % by Thursday's night shift; tool change avoids it" */
/**
 * A task row's sentence, from the row's own numbers (risk_before, risk_after, avoided_cost as the
 * JSON rounds them), so the words can never say another risk than the row: the risk of the task's
 * failure modes from its shift to the end of the window it covers, without and with the task.
 */
export function why(
  task: TaskType,
  numbers: { before: number; after: number; avoided: number },
  shift: number,
  end: number,
  slots: ShiftSlot[],
  wearPerHour?: number,
): string {
  const modes = TASK_MODES[task].map((m) => MODE_WORDS[m]).join(" or ");
  const until = end >= slots.length ? "the plan's end" : slots[end].words;
  // A tool change every day looks wrong until one sees how fast the tool wears (issue 16).
  const pace =
    task === "tool_change" && wearPerHour && wearPerHour > 0
      ? `; its tool wears about ${Math.round(wearPerHour * 24)} min a day at this machine's pace`
      : "";
  return `risk of a ${modes} failure from ${slots[shift].words} until ${until}: ${pct(numbers.before)} without the ${TASK_WORDS[task]}, ${pct(numbers.after)} with it; it avoids about ${money(numbers.avoided)} of expected failure cost${pace}`;
}

/** Why no task covers this machine's modes of `task`, in the order a planner would check. */
export function unplannedReason(
  fc: MachineForecast,
  task: TaskType,
  technicians: Technician[],
  set: OptionSet,
  costs: CostConfig,
  slots: ShiftSlot[],
  chain?: ChainCosts,
): string {
  const word = TASK_WORDS[task];
  const skilled = technicians.map((t, i) => (canService(t, fc.machine_model) ? i : -1)).filter((i) => i >= 0);
  if (skilled.length === 0) return `no technician can service a ${fc.machine_model}`;
  const hours = costs.tasks[task].hours;
  const fits = skilled.some((t) => set.capacity[t].some((c) => c >= hours));
  if (!fits) {
    const names = skilled.map((t) => technicians[t].name).join(", ");
    return `a ${word} takes ${hours} h, and no technician who can service a ${fc.machine_model} (${names}) has that many hours in any shift of the horizon`;
  }
  const planned = plannedCostOf(costs, task);
  const open = slots.map((_, s) => skilled.some((t) => set.capacity[t][s] >= hours));
  if (task === "tool_change" && chain) {
    // Tool changes pay as a schedule, not one by one: judge the best schedule capacity would allow.
    const best = bestChain(chain, open, planned);
    if (best.value <= 0) {
      return `tool changes cost ${money(planned)} each, and no schedule of them avoids more expected failure cost than it costs`;
    }
    return `the skilled technicians' hours went to tasks worth more (${best.changes} tool change${best.changes > 1 ? "s" : ""} would have been worth ${money(best.value)})`;
  }
  let best = 0;
  for (let s = 0; s < slots.length; s++) if (open[s]) best = Math.max(best, avoidedCost(fc, task, s, costs));
  if (best <= planned) {
    return `a ${word} costs ${money(planned)} but would avoid at most ${money(best)} of expected failure cost`;
  }
  return `the skilled technicians' hours went to tasks worth more (a ${word} would have been worth ${money(best - planned)})`;
}

/**
 * The most a machine's tool-change schedule can save, net of the changes' cost, if changes were
 * possible at every `open` shift and capacity were unlimited: a shortest path over the chain's
 * segments (the MIP without the technicians).
 */
export function bestChain(
  chain: ChainCosts,
  open: boolean[],
  changeCost: number,
): { value: number; changes: number } {
  const S = chain.horizon;
  const cost = [0]; // cost[a + 1]: cheapest way to have a new tool installed at a
  const count = [0];
  for (let b = 0; b < S; b++) {
    cost.push(Number.POSITIVE_INFINITY);
    count.push(0);
    if (!open[b]) continue;
    for (let a = -1; a < b; a++) {
      const c = cost[a + 1] + chain.cost[a + 1][b] + changeCost;
      if (c < cost[b + 1]) {
        cost[b + 1] = c;
        count[b + 1] = count[a + 1] + 1;
      }
    }
  }
  let best = Number.POSITIVE_INFINITY;
  let changes = 0;
  for (let a = -1; a < S; a++) {
    const c = cost[a + 1] + chain.cost[a + 1][S];
    if (c < best) {
      best = c;
      changes = count[a + 1];
    }
  }
  return { value: chain.cost[0][S] - best, changes };
}

/** Expected failure cost of the task's modes over the whole horizon, unmaintained. */
export function horizonCost(fc: MachineForecast, task: TaskType, costs: CostConfig): number {
  return expectedFailureCost(fc, task, costs, 0);
}
