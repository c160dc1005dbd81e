// The parts of a plan that the AI4I planner (plan.ts) and the contract planner (contract-plan.ts)
// make the same way: the solver's verdict (an error or no plan is MW_INFEASIBLE, a time limit is a
// warning with its gap), the horizon, and each technician's hours per shift. One helper, so the one
// Plan page reads the same fields, with the same meaning, from both.
import { MillwrightError } from "../core/errors.js";
import type { MipResult } from "./mip.js";
import { r2 } from "./report.js";
import type { ShiftSlot } from "./shifts.js";
import { pct } from "./task-reasons.js";
import type { Technician } from "./types.js";

/** Throws when the solver found no plan; a plan cut short by the time limit gets a warning. */
export function checkSolved(
  mip: Pick<MipResult, "status" | "solver_status" | "gap">,
  warnings: string[],
): void {
  if (mip.status === "error" || mip.status === "infeasible")
    throw new MillwrightError(
      "MW_INFEASIBLE",
      `the solver could not find a plan (HiGHS status ${mip.solver_status})`,
    );
  if (mip.status === "time_limit")
    warnings.push(
      `the solver hit its time limit: the plan is feasible but may be up to ${pct(mip.gap ?? 1)} from the best`,
    );
}

export interface PlanHorizon {
  start: string;
  end: string;
  shifts: number;
  shift_hours: number;
  labels: string[];
  /** The clock the shifts are on: the contract's time.zone, or "UTC" (trial 2: a UTC plan read as local). */
  clock?: string;
}

export function horizonOf(slots: ShiftSlot[], shiftHours: number): PlanHorizon {
  return {
    start: slots[0].start,
    end: slots[slots.length - 1].end,
    shifts: slots.length,
    shift_hours: shiftHours,
    labels: slots.map((s) => s.label),
  };
}

export interface TechnicianLoad {
  name: string;
  shifts: { shift: number; label: string; hours_used: number; capacity: number }[];
}

/** Each technician's hours used and capacity in every shift they work, from the chosen tasks. */
export function technicianLoad(
  technicians: Technician[],
  slots: ShiftSlot[],
  capacity: number[][],
  chosen: { technician: number; shift: number; hours: number }[],
): TechnicianLoad[] {
  const used = technicians.map(() => slots.map(() => 0));
  for (const o of chosen) used[o.technician][o.shift] += o.hours;
  return technicians.map((t, i) => ({
    name: t.name,
    shifts: slots
      .filter((s) => capacity[i][s.index] > 0)
      .map((s) => ({
        shift: s.index,
        label: s.label,
        hours_used: r2(used[i][s.index]),
        capacity: capacity[i][s.index],
      })),
  }));
}
