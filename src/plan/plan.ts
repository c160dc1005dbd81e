// makePlan: forecast → candidate tasks → exact MIP → a plan in words and snake_case JSON, the shape
// the CLI prints and POST /v1/plan answers.
import { MillwrightError } from "../core/errors.js";
import { DEFAULT_COSTS } from "./config.js";
import type { ModeHead } from "../data/schema.js";
import { dominantMode, horizonCost, pct, riskCurve, taskRiskCurve, unplannedReason, why } from "./explain.js";
import { forecastRisk, type MachineHistory } from "./forecast.js";
import { chainCost, type MipStatus, solveMip } from "./mip.js";
import { buildShifts } from "./shifts.js";
import { buildOptions } from "./tasks.js";
import {
  type CostConfig,
  plannedCostOf,
  TASK_MODES,
  TASK_TYPES,
  type PredictFn,
  type Technician,
} from "./types.js";

export { PLAN_HELP } from "./help.js";

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
  /** Processes per hour (all machines, or per machine id); default from history timestamps, else 1. */
  usage?: number | Record<string, number>;
  timeLimitSeconds?: number;
  /** Unplanned risks below this cumulative probability are not listed. */
  riskThreshold?: number;
}

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

export interface PlanResult {
  status: MipStatus;
  solver_status: string;
  objective: number;
  gap: number | null;
  solve_ms: number;
  horizon: { start: string; end: string; shifts: number; shift_hours: number; labels: string[] };
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
  technicians: {
    name: string;
    shifts: { shift: number; label: string; hours_used: number; capacity: number }[];
  }[];
  unplanned_risks: UnplannedRisk[];
  warnings: string[];
}

/** Probability of failing by the window's end given no failure before its start. */
const conditional = (byEnd: number, byStart: number) =>
  byStart >= 1 ? 1 : Math.max(0, (byEnd - byStart) / (1 - byStart));
const r2 = (v: number) => Math.round(v * 100) / 100;
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

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
  const set = buildOptions(forecasts, fresh, input.technicians, slots, costs, shiftHours);
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
  if (mip.status === "error" || mip.status === "infeasible") {
    throw new MillwrightError(
      "MW_INFEASIBLE",
      `the solver could not find a plan (HiGHS status ${mip.solver_status})`,
    );
  }
  const chosen = mip.chosen.map((j) => set.options[j]);
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
      let curve: (t: number) => number;
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
        curve = riskCurve(fc, fresh[o.machine], mode, prev);
        const both = (t: number, at: number) =>
          1 - TASK_MODES.tool_change.reduce((p, m) => p * (1 - riskCurve(fc, fresh[o.machine], m, at)(t)), 1);
        before = conditional(both(next - 1, prev), both(o.shift - 1, prev));
        after = both(next - 1, o.shift);
      } else {
        mode = dominantMode(fc, o.task, costs, o.shift);
        avoided = o.avoided;
        curve = riskCurve(fc, undefined, mode);
        const full = taskRiskCurve(fc, o.task);
        before = conditional(full[S - 1], o.shift > 0 ? full[o.shift - 1] : 0);
        after = (1 - costs.tasks[o.task].effectiveness) * before;
      }
      return {
        machine_id: fc.machine_id,
        machine_model: fc.machine_model,
        task: o.task,
        mode,
        modes: [...TASK_MODES[o.task]],
        shift: { index: o.shift, start: slot.start, label: slot.label },
        technician: input.technicians[o.technician].name,
        hours: o.hours,
        avoided_cost: r2(avoided),
        planned_cost: r2(plannedCostOf(costs, o.task)),
        risk_before: r4(before),
        risk_after: r4(after),
        why: why(curve, mode, o.task, o.shift, slots, costs),
      };
    });

  const used = input.technicians.map(() => slots.map(() => 0));
  for (const o of chosen) used[o.technician][o.shift] += o.hours;
  const technicians = input.technicians.map((t, i) => ({
    name: t.name,
    shifts: slots
      .filter((s) => set.capacity[i][s.index] > 0)
      .map((s) => ({
        shift: s.index,
        label: s.label,
        hours_used: r2(used[i][s.index]),
        capacity: set.capacity[i][s.index],
      })),
  }));

  const threshold = input.riskThreshold ?? 0.05;
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
        reason: unplannedReason(fc, task, input.technicians, set, costs, slots, (s) => {
          const chain = set.chains![i];
          return chain.cost[0][S] - chainCost(chain, [s]);
        }),
      });
    });
  });
  unplanned.sort((a, b) => b.expected_cost - a.expected_cost);
  if (mip.status === "time_limit") {
    warnings.push(
      `the solver hit its time limit: the plan is feasible but may be up to ${pct(mip.gap ?? 1)} from the best`,
    );
  }
  // The chain savings of several changes do not add up task by task; the MIP's objective does.
  const plannedTotal = chosen.reduce((a, o) => a + plannedCostOf(costs, o.task), 0);
  return {
    status: mip.status,
    solver_status: mip.solver_status,
    objective: r2(mip.objective),
    gap: mip.gap,
    solve_ms: Math.round(mip.solve_ms * 10) / 10,
    horizon: {
      start: slots[0].start,
      end: slots[slots.length - 1].end,
      shifts: slots.length,
      shift_hours: shiftHours,
      labels: slots.map((s) => s.label),
    },
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
  };
}
