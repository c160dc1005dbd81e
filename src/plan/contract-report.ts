// A data-contract plan in words and numbers. Every sentence is printed from the same numbers as the
// row it belongs to (taskNumbers), so a manager who checks one against the other finds they agree.
import { spanWords } from "../contract/spans.js";
import { failureCostOf, plannedCostOfTask } from "../contract/tasks.js";
import type { TaskSpec } from "../contract/types.js";
import {
  type ContractOption,
  type ContractOptionSet,
  qualified,
  taskNumbers,
  worthPlanning,
} from "./contract-options.js";
import { type ContractForecast, cumulative, type HeadForecast } from "./contract-forecast.js";
import { pct } from "./task-reasons.js";
import type { ShiftSlot } from "./shifts.js";
import type { Technician } from "./types.js";

export const r2 = (v: number) => Math.round(v * 100) / 100;
export const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

export function money(v: number, currency = ""): string {
  return `${currency}${Math.round(v).toLocaleString("en-GB")}`;
}

const words = (head: string) => head.replace(/_/g, " ");

export interface ContractPlannedTask {
  /** Stable within a plan: machine, task and shift start. */
  id: string;
  machine_id: string;
  machine_model: string | null;
  task: string;
  task_words: string;
  head: string;
  /** The AI4I plan's names for the same thing, so its page can render this plan. */
  mode: string;
  modes: string[];
  /**
   * The shift (ISO start and end, UTC). index: its place in the plan's horizon; -1 for a carried
   * task (the shift in progress when the plan was made, just before the horizon).
   */
  shift: { index: number; start: string; end: string; label: string };
  technician: string;
  hours: number;
  failure_cost: number;
  /** Probability of reaching the shift without a failure of this kind. */
  reach: number;
  risk_before: number;
  risk_after: number;
  /** failure_cost × reach × (risk_before − risk_after). */
  avoided_cost: number;
  planned_cost: number;
  why: string;
  status: "planned" | "done" | "skipped";
  status_at?: string;
  skipped_reason?: string;
  /**
   * True: a task of the shift in progress when the plan was re-made, kept from the plan before with
   * its id, technician and numbers (it is under way, not re-planned: plan/carry.ts). Absent otherwise.
   */
  carried?: boolean;
}

export interface ContractUnplanned {
  machine_id: string;
  machine_model: string | null;
  task: string | null;
  head: string;
  mode: string;
  risk: number;
  expected_cost: number;
  reason: string;
}

export interface ReportContext {
  set: ContractOptionSet;
  forecasts: ContractForecast[];
  slots: ShiftSlot[];
  technicians: Technician[];
  plannedCostPerHour: number;
  currency: string;
  /** The plan's margin (contract-options.ts worthPlanning): the reasons judge a task by it too. */
  minReturn: number;
}

export function taskId(machine: string, task: string, slot: ShiftSlot): string {
  return `${machine}.${task}.${slot.start.replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
}

export function describeContractTasks(ctx: ReportContext, chosen: ContractOption[]): ContractPlannedTask[] {
  const { slots, currency } = ctx;
  const last = slots[slots.length - 1];
  return chosen
    .slice()
    .sort((a, b) => a.shift - b.shift || a.machine - b.machine || a.head - b.head)
    .map((o) => {
      const fc = ctx.forecasts[o.machine];
      const f = fc.heads[o.head];
      const task = f.spec.task as TaskSpec;
      const slot = slots[o.shift];
      const n = o.numbers;
      const before = r4(n.before);
      const after = r4(n.after);
      const avoided = r2(n.avoided);
      const planned = r2(n.planned);
      return {
        id: taskId(fc.machine.id, task.name, slot),
        machine_id: fc.machine.id,
        machine_model: fc.machine.model,
        task: task.name,
        task_words: task.words,
        head: f.head,
        mode: f.head,
        modes: [f.head],
        shift: { index: slot.index, start: slot.start, end: slot.end, label: slot.label },
        technician: ctx.technicians[o.technician].name,
        hours: task.hours,
        failure_cost: r2(n.failureCost),
        reach: r4(n.reach),
        risk_before: before,
        risk_after: after,
        avoided_cost: avoided,
        planned_cost: planned,
        why: `risk of ${words(f.head)} failure from ${slot.label} to ${last.label}: ${pct(before)} without, ${pct(after)} with the ${task.words}; it avoids ${money(avoided, currency)} of expected failure cost for ${money(planned, currency)} of work and parts${failsFirst(n.reach, f.head, slot.label, intervalHold(f, task, o.shift))}`,
        status: "planned" as const,
      };
    });
}

/**
 * A task whose machine may well fail before its shift says so (trial 7: M08 was planned for Monday
 * with a 37 % chance of failing first, and failed on Saturday; the words gave only the risk from
 * Monday on). From 10 %: the chance of a failure of this kind before the shift starts, 1 − reach.
 */
export const FAILS_FIRST_WORTH_SAYING = 0.1;

export function failsFirst(reach: number, head: string, label: string, heldBy: string | null = null): string {
  const p = 1 - reach;
  if (p < FAILS_FIRST_WORTH_SAYING) return "";
  // Planned at the first shift its minimum interval allows: no technician would make it sooner
  // (trial 9: the words sent a manager looking for one).
  const sooner = heldBy
    ? `it cannot be sooner: ${heldBy}`
    : "do it sooner if a technician with the skill can be found";
  const said = pct(p);
  // "an 18 %", "an 8 %", "an 80 %": the article of the number as spoken.
  const article = /^(8|11 |11\.|18)/.test(said) ? "an" : "a";
  return `; ${article} ${said} chance of a ${words(head)} failure before ${label}: ${sooner}`;
}

/**
 * What a task's minimum interval runs from: the table's last event of the task's kind, which may be
 * no task at all (a CMMS's PM or a failure's repair of that component), so the event is named.
 */
function lastEvent(task: TaskSpec): string {
  const ev = task.event && "table" in task.event ? task.event : null;
  return ev ? `the last ${ev.kind} event in ${ev.table}` : `the last ${task.words}`;
}

/** "its minimum interval (14d since the last …)": one phrase for every reason that names it. */
function intervalWords(task: TaskSpec): string {
  return `its minimum interval (${spanWords(task.minInterval?.label ?? "")} since ${lastEvent(task)})`;
}

/** Why a task planned at the first shift its minimum interval allows is not sooner, or null. */
function intervalHold(f: HeadForecast, task: TaskSpec, shift: number): string | null {
  if (!(shift === f.earliest && f.earliest > 0 && task.minInterval)) return null;
  return `${intervalWords(task)} allows it from this shift on`;
}

/** A technician skipped this task in a shift of the plan: said first (trial 9: the risk left every list). */
function skippedWords(ctx: ReportContext, f: HeadForecast): string {
  if (!f.skipped || f.skipped.size === 0 || !f.spec.task) return "";
  const said = [...f.skipped]
    .sort(([a], [b]) => a - b)
    .map(([s, why]) => `${ctx.slots[s].label} ("${why}")`)
    .join(", ");
  return `the ${f.spec.task.words} was skipped for ${said}; `;
}

/** Why no task covers a head's risk on a machine, in the order a planner would check. */
function reason(ctx: ReportContext, _fc: ContractForecast, f: HeadForecast, used: number[][]): string {
  const { slots, technicians, currency } = ctx;
  const task = f.spec.task;
  if (!task) return `the contract names no task that prevents ${words(f.head)} failure`;
  if (f.underWay !== undefined)
    return `the ${task.words} is under way in the shift in progress (${f.underWay}): it is not planned again`;
  const skilled = technicians.map((t, i) => (qualified(t, task) ? i : -1)).filter((i) => i >= 0);
  const skills = task.skills.length > 0 ? `skill ${task.skills.join(" and ")}` : "any skill";
  if (skilled.length === 0) return `no technician has ${skills} for a ${task.words}`;
  if (f.earliest >= slots.length)
    return `${lastEvent(task)} was less than ${spanWords(task.minInterval?.label ?? "")} ago (the ${task.words}'s minimum interval), so none fits before ${slots[slots.length - 1].label}`;
  const open = (s: number, left: boolean) =>
    skilled.some((t) => ctx.set.capacity[t][s] - (left ? used[t][s] : 0) >= task.hours);
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let s = f.earliest; s < slots.length; s++) {
    if (!open(s, false)) continue;
    const n = taskNumbers(f, s, ctx.plannedCostPerHour);
    if (n.avoided - n.planned > bestValue) {
      best = s;
      bestValue = n.avoided - n.planned;
    }
  }
  if (best < 0) {
    // A technician booked for 10 h still gives a shift at most its own length: a task longer than a
    // shift is never planned, however the technicians file is written (trial G's 10-hour bearing job).
    const most = Math.max(...skilled.map((t) => Math.max(0, ...ctx.set.capacity[t])));
    if (most < task.hours && skilled.some((t) => technicians[t].hoursPerShift >= task.hours))
      return `the ${task.words} takes ${task.hours} h, longer than a shift (${most} h), and a task is planned within one shift: it never fits (a task of at most ${most} h would)`;
    // The binding limit in numbers (trial 9: "from Fri night" hid that nobody ever has 7 h).
    const window = (t: number) => Math.max(0, ...ctx.set.capacity[t].slice(f.earliest));
    const top = Math.max(...skilled.map(window));
    const who = skilled.filter((t) => window(t) === top).map((t) => technicians[t].name);
    const limit =
      top > 0
        ? `the most any of them has in a shift is ${top} h (${who.join(", ")})`
        : "none of them works a shift then";
    const from =
      f.earliest > 0 && task.minInterval
        ? `; ${intervalWords(task)} allows it from ${slots[f.earliest].label}`
        : "";
    return `no technician with ${skills} has ${task.hours} h in any shift from ${slots[f.earliest].label} to ${slots[slots.length - 1].label}: ${limit}${from}`;
  }
  // A task's cost is the same at every shift, so the shift of most value also avoids the most: if it
  // misses the margin, every shift does.
  const n = taskNumbers(f, best, ctx.plannedCostPerHour);
  const m = ctx.minReturn;
  if (!(n.avoided > n.planned))
    return `the ${task.words} costs ${money(n.planned, currency)}, it avoids at most ${money(n.avoided, currency)} (done at ${slots[best].label})`;
  if (!worthPlanning(n, m))
    return `the ${task.words} costs ${money(n.planned, currency)}, it avoids at most ${money(n.avoided, currency)} (done at ${slots[best].label}), less than the ${pct(m)} margin over its cost the plan asks (${money((1 + m) * n.planned, currency)})`;
  let free = -1;
  // A shift it was skipped in is not free for it (the planner does not book it there again).
  for (let s = f.earliest; s < slots.length && free < 0; s++)
    if (!f.skipped?.has(s) && open(s, true)) free = s;
  const worth = `at ${slots[best].label} the ${task.words} would avoid ${money(n.avoided, currency)} for ${money(n.planned, currency)}`;
  // Skipped where it was worth doing (trial 10: this read "the solver left it out within its time limit").
  const skippedAll = `it was skipped in every shift a technician with ${skills} was free for it (${worth})`;
  if (free < 0 && f.skipped?.size) return skippedAll;
  if (free < 0)
    return `no technician with ${skills} is free for ${task.hours} h before the plan ends (${slots[slots.length - 1].label}): their hours went to tasks worth more; ${worth}`;
  const nf = taskNumbers(f, free, ctx.plannedCostPerHour);
  if (!worthPlanning(nf, m))
    return `no technician with ${skills} is free before ${slots[free].label}, and by then the ${task.words} avoids only ${money(nf.avoided, currency)} for ${money(nf.planned, currency)}${m > 0 ? ` (less than the ${pct(m)} margin over its cost)` : ""} (${worth})`;
  if (f.skipped?.size) return skippedAll;
  return `the solver left it out within its time limit (${worth})`;
}

export function describeContractUnplanned(
  ctx: ReportContext,
  chosen: ContractOption[],
  threshold: number,
): { unplanned: ContractUnplanned[]; expected: number } {
  const covered = new Set(chosen.map((o) => `${o.machine}:${o.head}`));
  const used = ctx.technicians.map(() => ctx.slots.map(() => 0));
  for (const o of chosen) used[o.technician][o.shift] += o.hours;
  const unplanned: ContractUnplanned[] = [];
  let expected = 0;
  ctx.forecasts.forEach((fc, i) => {
    fc.heads.forEach((f, k) => {
      const risk = cumulative(f.hazard, 0, f.hazard.length);
      const cost = failureCostOf(f.spec) * risk;
      expected += cost;
      if (covered.has(`${i}:${k}`) || risk < threshold) return;
      unplanned.push({
        machine_id: fc.machine.id,
        machine_model: fc.machine.model,
        task: f.spec.task?.name ?? null,
        head: f.head,
        mode: f.head,
        risk: r4(risk),
        expected_cost: r2(cost),
        reason: skippedWords(ctx, f) + reason(ctx, fc, f, used),
      });
    });
  });
  unplanned.sort((a, b) => b.expected_cost - a.expected_cost);
  return { unplanned, expected };
}

export { plannedCostOfTask };
