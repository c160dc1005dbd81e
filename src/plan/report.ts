// The plan in words and numbers: each chosen task with its saving, risks and reason, and each risk
// left without a task with why.
import type { ModeHead } from "../data/schema.js";
import { dominantMode, horizonCost, riskCurve, taskRiskCurve, unplannedReason, why } from "./task-reasons.js";
import type { MachineForecast } from "./forecast.js";
import type { ShiftSlot } from "./shifts.js";
import type { OptionSet, TaskOption } from "./tasks.js";
import { type CostConfig, plannedCostOf, TASK_MODES, TASK_TYPES, type Technician } from "./types.js";

export interface PlannedTask {
  machine_id: string;
  machine_model: string;
  task: string;
  mode: string;
  modes: string[];
  shift: { index: number; start: string; label: string };
  technician: string;
  hours: number;
  /** Expected failure cost this task avoids, given the rest of the plan. */
  avoided_cost: number;
  planned_cost: number;
  /**
   * Probability of a failure of the task's modes in the window the task covers (its shift to the
   * next tool change or the horizon's end), given none before: without the task, and with it.
   */
  risk_before: number;
  risk_after: number;
  why: string;
}

export interface UnplannedRisk {
  machine_id: string;
  machine_model: string;
  task: string;
  mode: string;
  risk: number;
  expected_cost: number;
  reason: string;
}

export interface PlanContext {
  set: OptionSet;
  forecasts: MachineForecast[];
  fresh: MachineForecast[];
  slots: ShiftSlot[];
  costs: CostConfig;
  technicians: Technician[];
}

/** Probability of failing by the window's end given no failure before its start. */
const conditional = (byEnd: number, byStart: number) =>
  byStart >= 1 ? 1 : Math.max(0, (byEnd - byStart) / (1 - byStart));
export const r2 = (v: number) => Math.round(v * 100) / 100;
export const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

export function describeTasks(ctx: PlanContext, chosen: TaskOption[]): PlannedTask[] {
  const { set, forecasts, fresh, slots, costs } = ctx;
  const changes = new Map<number, number[]>();
  for (const o of chosen) {
    if (o.chain !== undefined)
      changes.set(
        o.machine,
        [...(changes.get(o.machine) ?? []), o.shift].sort((x, y) => x - y),
      );
  }
  const S = slots.length;
  const tasks: PlannedTask[] = chosen
    .sort((a, b) => a.shift - b.shift || a.machine - b.machine || a.task.localeCompare(b.task))
    .map((o) => {
      const fc = forecasts[o.machine];
      const slot = slots[o.shift];
      let mode: ModeHead;
      let avoided: number;
      let before: number;
      let after: number;
      let end: number;
      if (o.task === "tool_change") {
        // The tool this change replaces was installed at the previous change (or is today's). Its
        // saving is counted in the plan's context: what the chain would lose without this change.
        // Risks are over the window this change covers, [shift, next change or horizon end).
        const cuts = changes.get(o.machine)!;
        const k = cuts.indexOf(o.shift);
        const prev = k > 0 ? cuts[k - 1] : -1;
        const next = k + 1 < cuts.length ? cuts[k + 1] : S;
        const c = set.chains![o.machine].cost;
        avoided = c[prev + 1][next] - c[prev + 1][o.shift] - c[o.shift + 1][next];
        mode =
          prev < 0
            ? dominantMode(fc, o.task, costs, o.shift, next)
            : dominantMode(fresh[o.machine], o.task, costs, o.shift - prev, next - prev);
        end = next;
        const both = (t: number, at: number) =>
          1 - TASK_MODES.tool_change.reduce((p, m) => p * (1 - riskCurve(fc, fresh[o.machine], m, at)(t)), 1);
        before = conditional(both(next - 1, prev), both(o.shift - 1, prev));
        after = both(next - 1, o.shift);
      } else {
        mode = dominantMode(fc, o.task, costs, o.shift);
        avoided = o.avoided;
        end = S;
        const full = taskRiskCurve(fc, o.task);
        before = conditional(full[S - 1], o.shift > 0 ? full[o.shift - 1] : 0);
        after = (1 - costs.tasks[o.task].effectiveness) * before;
      }
      const numbers = { before: r4(before), after: r4(after), avoided: r2(avoided) };
      return {
        machine_id: fc.machine_id,
        machine_model: fc.machine_model,
        task: o.task,
        mode,
        modes: [...TASK_MODES[o.task]],
        shift: { index: o.shift, start: slot.start, label: slot.label },
        technician: ctx.technicians[o.technician].name,
        hours: o.hours,
        avoided_cost: numbers.avoided,
        planned_cost: r2(plannedCostOf(costs, o.task)),
        risk_before: numbers.before,
        risk_after: numbers.after,
        why: why(o.task, numbers, o.shift, end, slots, fc.wear_per_hour),
      };
    });
  return tasks;
}

/** Risks above `threshold` that no task covers, with the reason, and the fleet's expected failure cost. */
export function describeUnplanned(
  ctx: PlanContext,
  chosen: TaskOption[],
  threshold: number,
): { unplanned: UnplannedRisk[]; expected: number } {
  const { set, forecasts, slots, costs } = ctx;
  const covered = new Set(chosen.map((o) => `${o.machine}:${o.task}`));
  const unplanned: UnplannedRisk[] = [];
  let expected = 0;
  forecasts.forEach((fc, i) => {
    TASK_TYPES.forEach((task) => {
      const cost = horizonCost(fc, task, costs);
      expected += cost;
      const curve = taskRiskCurve(fc, task);
      const risk = curve[curve.length - 1];
      if (covered.has(`${i}:${task}`) || risk < threshold) return;
      unplanned.push({
        machine_id: fc.machine_id,
        machine_model: fc.machine_model,
        task,
        mode: dominantMode(fc, task, costs),
        risk: r4(risk),
        expected_cost: r2(cost),
        reason: unplannedReason(fc, task, ctx.technicians, set, costs, slots, set.chains?.[i]),
      });
    });
  });
  return { unplanned, expected };
}
