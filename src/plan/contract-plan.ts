// makeContractPlan: a data-contract model's forecast (contract-risk.ts) → candidates named by the
// contract's tasks (contract-options.ts) → the exact MIP (or the greedy baseline) → a plan in the
// JSON shape of the AI4I plan (plan.ts), plus what a manager needs to trust it: which model version
// made it, from data up to when, and when.
import { MillwrightError } from "../core/errors.js";
import { CLOCK_LEAD_MS, type FleetTime, fleetTime, isoMinute, leadSentence } from "../core/fleet-time.js";
import { zoneOffsetMinutes } from "../data/time-format.js";
import type { ForecastMethod } from "../features/forecast-row.js";
import { hasAgeMap, type PlanCalibration } from "../train/plan-calibration.js";
import type { HistoryModel } from "../train/history-model.js";
import { checkMinReturn, contractOptions, DEFAULT_MIN_RETURN } from "./contract-options.js";
import {
  type ContractPlannedTask,
  type ContractUnplanned,
  describeContractTasks,
  describeContractUnplanned,
  r2,
  r4,
  type ReportContext,
} from "./contract-report.js";
import { cumulative, type PlanMachine, riskAhead } from "./contract-forecast.js";
import { contractRisk } from "./contract-risk.js";
import { leaveOutSilent } from "./contract-silent.js";
import { flatHeadWarnings, headWarnings, technicianWarnings } from "./contract-warnings.js";
import { greedyPlan } from "./greedy.js";
import { type MipStatus, solveMip } from "./mip.js";
import type { PlanResult } from "./plan.js";
import { checkSolved, horizonOf, technicianLoad } from "./plan-shape.js";
import { buildShifts } from "./shifts.js";
import type { Technician } from "./types.js";

const RISK_AFTER =
  "scored by the model at each shift's middle; a task's risk after is the same model re-scoring the machine with the task's event inserted at the shift's start, and after a part replacement at most the fleet's median risk of that part (the carried-forward symptoms are the old part's)";

/** The forecast the plan uses unless told (chosen by measurement: BENCHMARKS.md, plan backtest). */
export const DEFAULT_FORECAST: ForecastMethod = "calibrated";

/** The age input of the calibration, when the model has one (train/plan-calibration-age.ts). */
function ageText(cal: PlanCalibration): string {
  if (!hasAgeMap(cal) || !cal.weibull) return "";
  const laws = Object.entries(cal.weibull)
    .map(([k, w]) => `${k} shape ${w.shape.toFixed(2)}, scale ${Math.round(w.scale)} h`)
    .join("; ");
  return `, with the part's age as a second input for a part its task replaces (ln of the part's cumulative Weibull hazard over the window; life laws fitted by maximum likelihood on the training period's part lifetimes: ${laws}); such a task's risk after goes through the same map with the part's age restarting at 0 from the task`;
}

/** The plan's `forecast_method`, in words (README "Tasks and the plan"). */
export function forecastMethodText(method: ForecastMethod, cal?: PlanCalibration | null): string {
  if (method === "calibrated" && cal)
    return `calibrated: persistence (each machine's last feature row carried forward with its since-features advancing with time), its cumulative risk by each shift's end mapped by the model's planning calibration (Platt on the logit, ${cal.anchors.map((a) => `${a.hours} h: a ${a.a.toFixed(2)}, b ${a.b.toFixed(2)}, ${a.failures} failures in ${a.samples} part-mornings`).join("; ")}; ${cal.describe})${ageText(cal)}; ${hasAgeMap(cal) ? "any other task's" : "a task's"} risk after is that risk times the model's re-scored risk ÷ its own risk before (the map was fitted on parts no task touched); ${RISK_AFTER}`;
  const uncalibrated = method === "calibrated" ? " (the model has no planning calibration)" : "";
  return method === "trend"
    ? `trend: each machine's last feature row carried forward with its since-features advancing with time and each reading (and its windows' mean, min and max) moving along its measured slope for at most one window length, then held; ${RISK_AFTER}`
    : `persistence${uncalibrated}: each machine's last feature row carried forward with its since-features advancing with time; ${RISK_AFTER}`;
}

export interface ContractPlanInput {
  model: HistoryModel;
  machines: PlanMachine[];
  technicians: Technician[];
  /** Where the technicians came from, named in a warning of a skill no task asks for (default "technicians"). */
  techniciansFile?: string;
  /** The horizon starts at the first shift boundary at or after this. */
  startTime: Date | string;
  horizonShifts: number;
  shiftHours?: number;
  dayStartHour?: number;
  utcOffsetMinutes?: number;
  timeLimitSeconds?: number;
  riskThreshold?: number;
  /** When the plan is made (the caller's clock: the planner reads none). */
  madeAt: Date;
  solver?: "mip" | "greedy";
  /** A replacement's risk after is at most the fleet's median for that part (contract-risk.ts renew); default true. */
  renewal?: boolean;
  /** How each machine's row is carried forward over the plan (features/forecast-row.ts). */
  forecast?: ForecastMethod;
  /** A task is planned only when it avoids ≥ (1 + minReturn) × its cost; default DEFAULT_MIN_RETURN. */
  minReturn?: number;
  /**
   * Tasks under way in the shift in progress (the server's re-plan carries them: plan/carry.ts): the
   * same machine's same task is not planned again. Their events are the caller's to add to the
   * machines' `later` events, so the risks are as after them.
   */
  underWay?: readonly UnderWay[];
  /**
   * Tasks a technician skipped (the server's outcomes): that machine's task is not planned again in
   * that shift (its hours go to other work), and a risk left unplanned says it was skipped.
   */
  skipped?: readonly SkippedTask[];
}

export interface SkippedTask {
  machine_id: string;
  head: string;
  /** The skipped shift's start (ISO). */
  shift_start: string;
  reason: string;
}

/** The AI4I plan's shape (so one Plan page renders both), with the contract's tasks and freshness. */
/** The tasks of the shift in progress that a re-plan keeps (plan/carry.ts): what the solver must not plan again. */
export interface UnderWay {
  machine_id: string;
  head: string;
  /** The shift it is under way in, e.g. "Tue day". */
  label: string;
}

export interface ContractPlan extends Omit<PlanResult, "summary" | "tasks" | "unplanned_risks"> {
  model: { name: string; version: string; contract: string };
  /**
   * The newest reading the plan used (ISO, or a counter value) and when the plan was made. On a clock,
   * a machine whose newest reading leads the fleet's by more than 12 h does not count (a warning
   * names it: core/fleet-time.ts).
   */
  data_time: string | number | null;
  made_at: string;
  forecast_method: string;
  /** The margin the plan asked of a task: it avoids at least (1 + min_return) × its cost. */
  min_return: number;
  summary: PlanResult["summary"] & {
    pruned_min_interval: number;
    /** The carried tasks (plan/carry.ts), whose costs are in avoided_cost and planned_cost. */
    carried?: { tasks: number; avoided_cost: number; planned_cost: number };
  };
  tasks: ContractPlannedTask[];
  unplanned_risks: ContractUnplanned[];
  /** Per machine: the model's risk now and the forecast risk by the plan's end, per head. */
  machines: {
    machine_id: string;
    machine_model: string | null;
    data_time: string | number;
    /** null: the contract says the kind does not happen on this machine (`applies: false`). */
    heads: Record<string, { now: number; by_end: number } | null>;
    /** P(a failure of any planned kind by the end of each shift), nothing done (the machine page). */
    risk_ahead: number[];
  }[];
}

/**
 * The fleet's data time of a plan on a clock (core/fleet-time.ts): the newest reading of the machines
 * whose newest is not more than 12 h past the fleet's, so one controller clock running days fast does
 * not move the plan. Null on a counter time (each machine's counter is its own: no common clock).
 */
export function planFleetTime(model: HistoryModel, machines: readonly PlanMachine[]): FleetTime | null {
  if (model.contract.time?.counter !== false) return null;
  return fleetTime(machines.map((m) => [m.id, m.state.time] as const));
}

/**
 * Where a plan starts, for the server's plan and `millwright plan` alike: on a clock, the fleet's data
 * time (the data's "now": a file is a snapshot, a replayed shop runs on its own clock); on a counter,
 * the caller's clock.
 */
export function planStartTime(model: HistoryModel, machines: readonly PlanMachine[], now = new Date()): Date {
  const ft = planFleetTime(model, machines);
  return ft ? new Date(ft.time) : now;
}

/** The warning of each machine whose newest reading leads the fleet's (core/fleet-time.ts). */
export function leadWarnings(ft: FleetTime | null): string[] {
  if (!ft) return [];
  return ft.leading.map(
    (l) =>
      `${leadSentence(l, ft.reference)}, more than ${CLOCK_LEAD_MS / 3_600_000} h: its clock may be wrong; the plan starts from the fleet's newest reading without it (${isoMinute(ft.time)}), and its risks are its last reading's held until the plan reaches it. Its later true readings are refused (409) until they pass ${isoMinute(l.time)}: fix the controller's clock (README, Tasks and the plan)`,
  );
}

function timeOf(model: HistoryModel, t: number): string | number {
  return model.contract.time?.counter === false ? new Date(t).toISOString() : t;
}

export async function makeContractPlan(input: ContractPlanInput): Promise<ContractPlan> {
  const { model } = input;
  const tasks = model.contract.tasks;
  if (!tasks)
    throw new MillwrightError(
      "MW_CONFIG",
      `model ${model.version}: its data contract (${model.contract.name}) has no tasks: add a tasks: key (README, Data contract) and train again`,
      { field: "tasks" },
    );
  if (input.machines.length === 0)
    throw new MillwrightError("MW_NOT_READY", "no machine has readings yet: nothing to plan");
  if (input.technicians.length === 0)
    throw new MillwrightError(
      "MW_INFEASIBLE",
      "no technicians: a plan needs at least one technician to assign tasks to",
    );
  const shiftHours = input.shiftHours ?? 8;
  const minReturn = checkMinReturn(input.minReturn ?? DEFAULT_MIN_RETURN);
  // Shifts are the shop's: a contract that reads local time (time.zone) plans in that zone, so its
  // day shift starts at 06:00 on the shop's clock, not UTC's, also after a clock change.
  const zone = model.contract.time?.zone;
  const offsetAt = input.utcOffsetMinutes === undefined && zone ? zoneOffsetMinutes(zone) : undefined;
  const slots = buildShifts({ ...input, shiftHours, offsetAt });
  const warnings = [
    ...headWarnings(model, tasks),
    ...technicianWarnings(input.technicians, tasks, input.techniciansFile ?? "technicians"),
  ];
  const start = Date.parse(slots[0].start);
  // One machine's clock running ahead moves neither the plan's data time nor what counts as silent.
  const ft = planFleetTime(model, input.machines);
  warnings.push(...leadWarnings(ft));
  const silent = leaveOutSilent(
    input.machines,
    slots.length * shiftHours * 3600_000,
    model.contract.time?.counter !== false,
    ft?.time,
  );
  warnings.push(...silent.warnings);
  const forecasts = contractRisk({
    model,
    tasks,
    machines: silent.kept,
    start,
    shifts: slots.length,
    shiftHours,
    slots: slots.map((x) => ({ start: Date.parse(x.start), end: Date.parse(x.end) })),
    renewal: input.renewal ?? true,
    forecast: input.forecast ?? DEFAULT_FORECAST,
  });
  warnings.push(...flatHeadWarnings(forecasts));
  for (const u of input.underWay ?? [])
    for (const fc of forecasts)
      if (fc.machine.id === u.machine_id)
        for (const f of fc.heads) if (f.head === u.head) f.underWay = u.label;
  for (const k of input.skipped ?? []) {
    const s = slots.findIndex((x) => Date.parse(x.start) === Date.parse(k.shift_start));
    const f = forecasts.find((fc) => fc.machine.id === k.machine_id)?.heads.find((x) => x.head === k.head);
    if (s >= 0 && f) (f.skipped ??= new Map()).set(s, k.reason);
  }
  const set = contractOptions(
    { technicians: input.technicians, slots, shiftHours },
    forecasts,
    tasks.plannedCostPerHour,
    minReturn,
  );
  const t0 = performance.now();
  const mip =
    input.solver === "greedy"
      ? (() => {
          const g = greedyPlan(set);
          return {
            status: "optimal" as MipStatus,
            solver_status: "greedy",
            objective: g.objective,
            gap: null,
            solve_ms: g.solve_ms,
            variables: set.options.length,
            constraints: 0,
            chosen: g.chosen,
          };
        })()
      : await solveMip(set, { timeLimitSeconds: input.timeLimitSeconds });
  checkSolved(mip, warnings);
  const chosen = mip.chosen.map((j) => set.options[j]);
  const ctx: ReportContext = {
    set,
    forecasts,
    slots,
    technicians: input.technicians,
    plannedCostPerHour: tasks.plannedCostPerHour,
    currency: tasks.currency,
    minReturn,
  };
  const rows = describeContractTasks(ctx, chosen);
  const { unplanned, expected } = describeContractUnplanned(ctx, chosen, input.riskThreshold ?? 0.05);
  const newest = ft ? ft.time : Math.max(...input.machines.map((m) => m.state.time));
  return {
    status: mip.status,
    solver_status: mip.solver_status,
    objective: r2(mip.objective),
    gap: mip.gap,
    solve_ms: Math.round((performance.now() - t0) * 10) / 10,
    model: { name: model.name, version: model.version, contract: model.contract.name },
    data_time: timeOf(model, newest),
    made_at: input.madeAt.toISOString(),
    forecast_method: forecastMethodText(input.forecast ?? DEFAULT_FORECAST, model.planCalibration),
    min_return: minReturn,
    horizon: { ...horizonOf(slots, shiftHours), clock: clockOf(zone ?? undefined, input.utcOffsetMinutes) },
    summary: {
      expected_failure_cost: r2(expected),
      avoided_cost: r2(chosen.reduce((a, o) => a + o.numbers.avoided, 0)),
      planned_cost: r2(chosen.reduce((a, o) => a + o.numbers.planned, 0)),
      variables: mip.variables,
      constraints: mip.constraints,
      candidates: set.considered,
      pruned_no_value: set.prunedNoValue,
      pruned_no_skill_or_shift: set.prunedNoSkillOrShift,
      pruned_min_interval: set.prunedInterval,
    },
    tasks: rows,
    technicians: technicianLoad(input.technicians, slots, set.capacity, chosen),
    unplanned_risks: unplanned,
    machines: forecasts.map((fc) => ({
      machine_id: fc.machine.id,
      machine_model: fc.machine.model,
      data_time: timeOf(model, fc.machine.state.time),
      // A kind that does not apply is null, not absent: absent would read as "the model has no head".
      heads: Object.fromEntries(
        tasks.heads.flatMap((h): [string, { now: number; by_end: number } | null][] => {
          const f = fc.heads.find((x) => x.head === h.head);
          if (f) return [[h.head, { now: r4(f.now), by_end: r4(cumulative(f.hazard, 0, f.hazard.length)) }]];
          return fc.notApplying?.includes(h.head) ? [[h.head, null]] : [];
        }),
      ),
      risk_ahead: riskAhead(fc.heads, slots.length),
    })),
    warnings,
  };
}

/** The shifts' clock in words: the zone, a fixed offset given by the caller, or UTC. */
function clockOf(zone: string | undefined, offsetMinutes: number | undefined): string {
  if (offsetMinutes !== undefined) {
    const a = Math.abs(offsetMinutes);
    const hhmm = `${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
    return offsetMinutes === 0 ? "UTC" : `UTC${offsetMinutes < 0 ? "−" : "+"}${hhmm}`;
  }
  return zone ?? "UTC";
}
