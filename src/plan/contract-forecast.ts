// What the planner knows of each machine's risk over the plan (contract-risk.ts makes it; the
// calibrated and revert forecasts (risk-calibrated.ts, risk-revert.ts) adjust it; the options and
// the report read it). Its own file so those modules need not import the forecast's maker.
import type { MachineAttributes } from "../contract/machine-table.js";
import type { HeadTasks } from "../contract/types.js";
import type { RowState } from "../features/forecast-row.js";

export interface PlanMachine {
  id: string;
  /** Make and model, for messages (null: the contract has no model attribute). */
  model: string | null;
  /** Its attributes by name: they pick the head's task and costs for it (contract/task-overrides.ts). */
  attributes: MachineAttributes;
  state: RowState;
}

export interface HeadForecast {
  head: string;
  /** The head's failure cost and task for this machine (its first matching `for:` override, else the head's own). */
  spec: HeadTasks;
  /** The model's own probability at the machine's last reading (within the contract's horizon). */
  now: number;
  /** Per-shift risk without a task. */
  hazard: number[];
  /** hazardAfter[s][u]: per-shift risk at shift u ≥ s after the task's event at shift s (null: a check, no event). */
  hazardAfter: number[][] | null;
  /** First shift the task may be done at (its min_interval since the last one), S when none. */
  earliest: number;
  /** Last time the task's event happened on this machine (ms or counter), if known. */
  lastDone: number | null;
  /**
   * The label of the shift in progress in which this task is under way (a carried task: plan/carry.ts):
   * it is not planned again in this plan. Absent otherwise.
   */
  underWay?: string;
  /** Shifts a technician skipped this task in (shift index → the reason): not planned there again. */
  skipped?: Map<number, string>;
}

export interface ContractForecast {
  machine: PlanMachine;
  /** The kinds the plan covers on this machine: one not applying to it (`applies: false`) is not here. */
  heads: HeadForecast[];
  /** The kinds the contract says do not happen on this machine (`applies: false`), in the tasks' order. */
  notApplying?: string[];
}

/** Every head any machine has a forecast of, in first-seen order (a machine may lack some: `applies: false`). */
export function headNames(all: readonly ContractForecast[]): string[] {
  const out = new Set<string>();
  for (const f of all) for (const h of f.heads) out.add(h.head);
  return [...out];
}

/** Standalone cumulative risk 1 − Π (1 − h) over shifts [from, to). */
export function cumulative(h: readonly number[], from: number, to: number): number {
  let s = 1;
  for (let u = from; u < to; u++) s *= 1 - h[u];
  return 1 - s;
}

/**
 * The machine page's risk ahead: P(a failure of any kind the plan covers by the end of shift s),
 * nothing done, for each shift; heads taken as independent, each as `cumulative` reads it (so a
 * plan of one head ends at that head's by_end).
 */
export function riskAhead(heads: readonly { hazard: readonly number[] }[], shifts: number): number[] {
  const out: number[] = [];
  let survive = 1;
  for (let s = 0; s < shifts; s++) {
    for (const f of heads) survive *= 1 - (f.hazard[s] ?? 0);
    out.push(Math.round((1 - survive) * 1e4) / 1e4);
  }
  return out;
}
