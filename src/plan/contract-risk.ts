// Planning risk from a data-contract model, computed, not assumed.
//
// Method (also in the README): each machine's last feature row is carried forward unchanged
// (persistence of the last readings, rolling statistics and alarm counts), except that every
// `since` feature advances with time (features/forecast-row.ts). The model scores that row at the
// middle of each shift of the plan. Its answer p for a head is the probability of a failure within
// the contract's horizon H (24 h: the label it was trained on); read as a constant hazard over H,
// the risk within one shift of L hours is h = 1 − (1 − p)^(L / H). A row-labelled contract (AI4I:
// one row = one process) gives a per-row risk instead: h = 1 − (1 − p)^(rows per hour × L).
// A task of head k at shift s is its event inserted at the shift's start, and the same model
// re-scores every later shift with it: h′. Heads are treated one at a time (the plan counts at
// most one failure of each kind per horizon; the part is replaced after a failure).
// Pure: the caller passes the machines' states; no I/O, no clock.
import { didYouMean } from "../core/did-you-mean.js";
import type { ContractTasks, TaskSpec } from "../contract/types.js";
import type { Contract } from "../contract/types.js";
import { MillwrightError } from "../core/errors.js";
import {
  type EventColumns,
  eventColumns,
  type ForecastMethod,
  forecastRow,
  type RowEffect,
  type RowState,
} from "../features/forecast-row.js";
import { type FeaturePlan, featurePlan, MS_PER_HOUR } from "../features/plan.js";
import { type HistoryModel, predictHistoryModel } from "../train/history-model.js";
import {
  type ContractForecast,
  type HeadForecast,
  headNames,
  type PlanMachine,
} from "./contract-forecast.js";
import { resolveHead } from "../contract/task-overrides.js";
import { calibrateForecasts } from "./risk-calibrated.js";
import { revertToFleet } from "./risk-revert.js";

export interface RiskOptions {
  model: HistoryModel;
  tasks: ContractTasks;
  machines: PlanMachine[];
  /** Start of the first shift (ms). */
  start: number;
  shifts: number;
  shiftHours: number;
  /**
   * Each shift's start and end (ms), from the shop's calendar (shifts.ts): in a week with a clock
   * change a local night shift is 7 or 9 hours, and its risk and task times are that shift's, not
   * start + s × shiftHours. Absent (or a counter contract): every shift is shiftHours long.
   */
  slots?: readonly { start: number; end: number }[];
  /** Cap the risk after a replacement at the fleet's median risk of that part (renew()); default off. */
  renewal?: boolean;
  /** How the readings are carried forward (features/forecast-row.ts); default persistence. */
  forecast?: ForecastMethod;
}

/** A shift's risk of `hours` from the model's horizon probability p. */
function perShift(c: Contract, tasks: ContractTasks): (p: number, hours: number) => number {
  if (c.failures && c.time?.counter === false) {
    const horizonHours = c.failures.horizon.size / MS_PER_HOUR;
    return (p, hours) => 1 - (1 - Math.min(1, Math.max(0, p))) ** (hours / horizonHours);
  }
  const rows = tasks.rowsPerHour;
  if (rows === null)
    throw new MillwrightError(
      "MW_CONFIG",
      `${c.source}: tasks.rows_per_hour: a contract whose time is a counter needs it, to turn per-row risk into per-shift risk`,
      { file: c.source, field: "tasks.rows_per_hour" },
    );
  // Row labels: p is one row's risk. A counter with failures: p is the risk within the horizon
  // of H rows, so a shift of rows × L rows is (rows × L / H) horizons (it was taken as rows × L
  // horizons: a unit at 0.2 % per 20 cycles read as 17 % over a day at 4 cycles an hour).
  const perHorizon = c.failures ? c.failures.horizon.size : 1;
  return (p, hours) => 1 - (1 - Math.min(1, Math.max(0, p))) ** ((rows * hours) / perHorizon);
}

function effectOf(plan: FeaturePlan, c: Contract, t: TaskSpec, at: number): RowEffect | undefined {
  const e = t.event;
  if (!e) return undefined;
  if ("table" in e)
    return { event: { table: c.events.findIndex((x) => x.name === e.table), kind: e.kind, time: at } };
  return { slot: plan.features.findIndex((f) => f.name === e.reading), value: e.value };
}

/** The last time this event happened on the machine, as its row and later events know it. */
function lastEvent(
  c: Contract,
  cols: EventColumns[],
  st: RowState,
  t: TaskSpec,
  unit: number,
): number | null {
  const e = t.event;
  if (!e || !("table" in e)) return null;
  const table = c.events.findIndex((x) => x.name === e.table);
  const col = cols[table]?.since.find((s) => s.kind === e.kind)?.col;
  let last = col === undefined || Number.isNaN(st.row[col]) ? null : st.time - st.row[col] * unit;
  for (const ev of st.later)
    if (ev.table === table && ev.kind === e.kind && (last === null || ev.time > last)) last = ev.time;
  return last;
}

export function contractRisk(o: RiskOptions): ContractForecast[] {
  const c = o.model.contract;
  const plan = featurePlan(c);
  const cols = eventColumns(plan);
  const perShiftRisk = perShift(c, o.tasks);
  const S = o.shifts;
  const slots = o.slots && !plan.counter && o.slots.length >= S ? o.slots : null;
  const hoursOf = (s: number) => (slots ? (slots[s].end - slots[s].start) / MS_PER_HOUR : o.shiftHours);
  const hz = (p: number, s: number) => perShiftRisk(p, hoursOf(s));
  const nCols = plan.features.length;
  const unit = plan.counter ? 1 : MS_PER_HOUR;
  const heads = o.tasks.heads.filter((h) => o.model.headNames.includes(h.head) && o.model.heads[h.head]);
  // A task's event kind the model never saw is a contract error, in a head's own task or an override's.
  for (const h of heads)
    for (const [t, at] of [
      [h.task, "task"] as const,
      ...(h.for ?? []).map((x, i) => [x.task, `for[${i}].task`] as const),
    ]) {
      const e = t?.event;
      if (!e || !("table" in e)) continue;
      const kinds = c.events.find((x) => x.name === e.table)?.kinds ?? [];
      if (!kinds.includes(e.kind))
        throw new MillwrightError(
          "MW_CONFIG",
          `${c.source}: tasks.heads.${h.head}.${at}.event.kind: '${e.kind}' is not a kind of ${e.table} this model was trained with (known: ${kinds.join(", ")}${didYouMean(e.kind, kinds)})`,
          { file: c.source, field: `tasks.heads.${h.head}.${at}.event.kind` },
        );
    }
  const all = o.machines.map((m) => {
    const st = m.state;
    // Each head as it applies to this machine: its make's or model's task and costs (`for:`). A kind
    // that cannot happen on it (`applies: false`) is left out here, so no task, risk or cost of it
    // reaches the plan, and no fleet median or mean (renew, revertToFleet) counts it.
    const resolved = heads.map((h) => resolveHead(h, m.id, m.attributes));
    const specs = resolved.filter((h) => h.applies);
    // Times in the model's units: ms on a clock; on a counter, rows from the last one on.
    const at = (hours: number) =>
      plan.counter ? st.time + (o.tasks.rowsPerHour ?? 0) * hours : o.start + hours * MS_PER_HOUR;
    // A shift's start and middle: the calendar's where given (a clock change makes a shift 7 or 9 h).
    const startOf = (s: number) => (slots ? slots[s].start : at(s * o.shiftHours));
    const mid = (s: number) => (slots ? (slots[s].start + slots[s].end) / 2 : at((s + 0.5) * o.shiftHours));
    const scenarios: { head: number; s: number; effect: RowEffect | undefined; from: number }[] = [];
    specs.forEach((h, k) => {
      if (!h.task?.event) return;
      for (let s = 0; s < S; s++)
        scenarios.push({
          head: k,
          s,
          effect: effectOf(plan, c, h.task, startOf(s)),
          from: startOf(s),
        });
    });
    let rows = S;
    for (const sc of scenarios) rows += S - sc.s;
    const data = new Float64Array(rows * nCols);
    let r = 0;
    const how = o.forecast ?? "persistence";
    for (let s = 0; s < S; s++)
      forecastRow(plan, cols, st, mid(s), data, r++ * nCols, undefined, undefined, how);
    for (const sc of scenarios)
      for (let u = sc.s; u < S; u++)
        forecastRow(plan, cols, st, mid(u), data, r++ * nCols, sc.effect, sc.from, how);
    const p = predictHistoryModel(o.model, { data, nRows: rows, nCols });
    const nowRow = new Float64Array(nCols);
    nowRow.set(st.row.subarray(0, nCols));
    const pNow = predictHistoryModel(o.model, { data: nowRow, nRows: 1, nCols });
    const out: HeadForecast[] = specs.map((h) => {
      const ph = p[h.head] as Float64Array;
      const hazard = Array.from({ length: S }, (_, s) => hz(ph[s], s));
      const lastDone = h.task ? lastEvent(c, cols, st, h.task, unit) : null;
      let earliest = 0;
      const gap = h.task?.minInterval?.size;
      if (gap !== undefined && lastDone !== null) {
        earliest = S;
        for (let s = 0; s < S; s++)
          if (startOf(s) - lastDone >= gap) {
            earliest = s;
            break;
          }
      }
      return {
        head: h.head,
        spec: h,
        now: (pNow[h.head] as Float64Array)[0],
        hazard,
        hazardAfter: null,
        earliest,
        lastDone,
      };
    });
    r = S;
    for (const sc of scenarios) {
      const f = out[sc.head];
      f.hazardAfter ??= [];
      const ph = p[specs[sc.head].head] as Float64Array;
      const row = new Array<number>(S).fill(0);
      for (let u = sc.s; u < S; u++) row[u] = hz(ph[r++], u);
      f.hazardAfter[sc.s] = row;
    }
    return { machine: m, heads: out, notApplying: resolved.filter((h) => !h.applies).map((h) => h.head) };
  });
  // renew() caps a replacement's risk with the persistence forecasts, before revert() changes them.
  if (o.renewal) renew(all, c);
  if (o.forecast === "revert") revertToFleet(all, c, o.start, o.shiftHours);
  if (o.forecast === "calibrated" && o.model.planCalibration)
    calibrateForecasts(all, o.model.planCalibration, o.shiftHours, c, o.start);
  return all;
}

/**
 * A replacement puts a new part in. The persistence forecast would keep the old part's symptoms
 * (drifted readings, alarm counts) in the re-scored row, so the re-score alone only removes the age
 * effect. So after a task whose event is what a failure's repair writes (the contract's `resets`
 * table, kind = the head), the risk at each later shift is at most the fleet's median risk of that
 * part at that shift: a typical part, not the failing one, among the machines that have the part
 * (a kind that does not apply to a make is no part of its median). Needs 3 such machines or more.
 */
function renew(all: ContractForecast[], c: Contract): void {
  const resets = c.failures?.resets;
  if (!resets) return;
  const resetsTable = c.events.findIndex((x) => x.name === resets);
  // By name, not position: a machine a kind does not apply to has no forecast of it.
  for (const head of headNames(all)) {
    const has = all.flatMap((f) => f.heads.filter((h) => h.head === head).map((h) => ({ f, h })));
    if (has.length < 3) continue;
    // Whether a task replaces the part is each machine's own (an override may change its event).
    const replaces = (h: HeadForecast) => {
      const e = h.spec.task?.event;
      return !!e && "table" in e && e.table === resets && e.kind === head;
    };
    if (!has.some((x) => replaces(x.h))) continue;
    const S = has[0].h.hazard.length;
    const median = Array.from({ length: S }, (_, u) => {
      const xs = has.map((x) => x.h.hazard[u]).sort((a, b) => a - b);
      return xs[Math.floor(xs.length / 2)];
    });
    const cap = (row: number[]) => {
      for (let u = 0; u < S; u++) if (row[u] > median[u]) row[u] = median[u];
    };
    for (const { f, h } of has) {
      if (!replaces(h)) continue;
      for (const row of h.hazardAfter ?? []) cap(row);
      // The part was already replaced after the machine's last reading (a failure repaired, or the
      // task done, while no reading came in, e.g. the machine was down): the forecast row carries the
      // old part's symptoms exactly as a planned replacement's does, so the same cap applies.
      if (f.machine.state.later.some((ev) => ev.table === resetsTable && ev.kind === head)) cap(h.hazard);
    }
  }
}
