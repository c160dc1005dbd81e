// The mornings a planning-forecast calibration is fitted on (plan-calibration.ts): every 8 hours
// from `from` until the anchor's whole horizon still lies within the data, each machine's newest
// row before that time is carried forward as the planner carries it (persistence, since-features
// advancing: features/forecast-row.ts), scored at each shift's middle by the model, and the
// per-shift risks compounded exactly as plan/contract-risk.ts does; the outcome is whether that
// part failed within the anchor's hours. A part replaced (its reset event) before it failed within
// the window is known not to have failed until then: it counts as a no-failure over the whole shifts
// before the replacement (its risk compounded over those shifts only; a replacement within the first
// shift tells nothing, and that window is left out). Leaving every such window out, as before, kept
// the windows that ended in a failure and dropped those a replacement cut short without one, so the
// parts a policy replaces (old ones under PM, high-risk ones under a planner) looked likelier to fail
// than they are: the censored-data likelihood counts what is known of both. Pure: no I/O.
import { decodeAttributes } from "../contract/machine-table.js";
import { resolveHead } from "../contract/task-overrides.js";
import type { Contract } from "../contract/types.js";
import type { EventTable } from "../data/events.js";
import type { FeatureMatrix } from "../features/build.js";
import { eventColumns, forecastRow } from "../features/forecast-row.js";
import { featurePlan, MS_PER_HOUR } from "../features/plan.js";
import { type HistoryModel, predictHistoryModel } from "./history-model.js";
import { type AnchorSamples, PLAN_CALIBRATION_HOURS } from "./plan-calibration.js";
import { renewsPart } from "./plan-calibration-age.js";

export interface CalibrationInput {
  model: Pick<HistoryModel, "contract" | "headNames" | "heads">;
  X: FeatureMatrix;
  time: Float64Array;
  machine: Int32Array;
  nMachines: number;
  /** The machines' ids (by index), which a head's `for:` overrides may name; without them only attributes match. */
  machineIds?: readonly string[];
  failures: EventTable;
  /** The table a failure's repair and a replacement write (the contract's `failures.resets`), if any. */
  resets: EventTable | null;
  /** First morning (ms) and the end of the known data (ms, exclusive). */
  from: number;
  to: number;
  shiftHours?: number;
  hours?: readonly number[];
}

/** The heads the planner plans for: a task whose event is known, and a trained head. */
function plannedHeads(c: Contract, m: CalibrationInput["model"]): string[] {
  return (c.tasks?.heads ?? []).filter((h) => h.task && m.heads[h.head]).map((h) => h.head);
}

/** First time ≥ t of `kind` on machine m in an event table (rows sorted by machine, then time). */
function nextEvent(e: EventTable | null, m: number, kind: string, t: number): number {
  if (!e) return Number.POSITIVE_INFINITY;
  for (let i = 0; i < e.n; i++)
    if (e.machine[i] === m && e.kind[i] === kind && e.time[i] >= t) return e.time[i];
  return Number.POSITIVE_INFINITY;
}

export function calibrationSamples(x: CalibrationInput): AnchorSamples[] {
  const c = x.model.contract;
  const hoursList = x.hours ?? PLAN_CALIBRATION_HOURS;
  const out = hoursList.map((hours) => ({
    hours,
    risk: [] as number[],
    failed: [] as number[],
    head: [] as string[],
    age: [] as number[],
    window: [] as number[],
  }));
  const heads = plannedHeads(c, x.model);
  if (!c.failures || c.time?.counter !== false || heads.length === 0) return out;
  const plan = featurePlan(c);
  const cols = eventColumns(plan);
  const nCols = plan.features.length;
  const shiftHours = x.shiftHours ?? 8;
  const horizonMs = c.failures.horizon.size;
  const power = (shiftHours * MS_PER_HOUR) / horizonMs;
  const maxHours = Math.max(...hoursList);
  // The part's age (plan-calibration-age.ts): its `since` column, where its task renews it.
  const resetsTable = c.events.findIndex((e) => e.name === c.failures?.resets);
  const ageCol = new Map(
    heads.map((h) => [
      h,
      renewsPart(c, h) ? cols[resetsTable]?.since.find((x) => x.kind === h)?.col : undefined,
    ]),
  );
  // A kind that does not happen on a machine (`applies: false`) is never planned there, and its
  // part-mornings there never fail: counted, they would teach the map that the part fails less
  // often than it does where it exists. Decided per machine once, from its attributes as coded.
  const nAttr = c.attributes?.columns.length ?? 0;
  const specs = new Map((c.tasks?.heads ?? []).map((h) => [h.head, h]));
  const appliesOf = new Map<number, Map<string, boolean>>();
  const applies = (m: number, row: Float64Array, head: string): boolean => {
    const h = specs.get(head);
    if (!h?.for?.some((o) => o.applies === false)) return true;
    let byHead = appliesOf.get(m);
    if (!byHead) appliesOf.set(m, (byHead = new Map()));
    let a = byHead.get(head);
    if (a === undefined) {
      const attrs = decodeAttributes(c, row.subarray(plan.nReadings, plan.nReadings + nAttr));
      a = resolveHead(h, x.machineIds?.[m] ?? "", attrs).applies;
      byHead.set(head, a);
    }
    return a;
  };
  const S = Math.ceil(maxHours / shiftHours);
  // Each machine's rows in time order.
  const rowsOf: number[][] = Array.from({ length: x.nMachines }, () => []);
  for (let i = 0; i < x.time.length; i++) rowsOf[x.machine[i]].push(i);
  for (const rs of rowsOf) rs.sort((i, j) => x.time[i] - x.time[j]);
  const ptr = new Int32Array(x.nMachines).fill(-1);
  const step = shiftHours * MS_PER_HOUR;
  for (let t = x.from; t + Math.min(...hoursList) * MS_PER_HOUR <= x.to; t += step) {
    const states: { m: number; time: number; row: Float64Array }[] = [];
    for (let m = 0; m < x.nMachines; m++) {
      const rs = rowsOf[m];
      while (ptr[m] + 1 < rs.length && x.time[rs[ptr[m] + 1]] < t) ptr[m]++;
      if (ptr[m] < 0) continue;
      const i = rs[ptr[m]];
      // A machine silent for a whole horizon is not planned from its old row either.
      if (t - x.time[i] > horizonMs) continue;
      states.push({ m, time: x.time[i], row: x.X.data.subarray(i * x.X.nCols, (i + 1) * x.X.nCols) });
    }
    if (states.length === 0) continue;
    const data = new Float64Array(states.length * S * nCols);
    states.forEach((st, k) => {
      for (let u = 0; u < S; u++)
        forecastRow(plan, cols, { ...st, later: [] }, t + (u + 0.5) * step, data, (k * S + u) * nCols);
    });
    const p = predictHistoryModel(x.model as HistoryModel, { data, nRows: states.length * S, nCols });
    states.forEach((st, k) => {
      for (const head of heads) {
        if (!applies(st.m, st.row, head)) continue;
        const ph = p[head] as Float64Array;
        const failedAt = nextEvent(x.failures, st.m, head, t);
        const resetAt = nextEvent(x.resets, st.m, head, t);
        const col = ageCol.get(head);
        const age = col === undefined ? Number.NaN : st.row[col] + (t - st.time) / MS_PER_HOUR;
        // Survival over the first u shifts, u = 0..S (each shift's risk is 1 − (1 − p)^(L / H),
        // contract-risk.ts: its survival (1 − p)^(L / H)).
        const survive = [1];
        for (let u = 0; u < S; u++)
          survive.push(survive[u] * (1 - Math.min(1, Math.max(0, ph[k * S + u]))) ** power);
        for (const o of out) {
          const end = t + o.hours * MS_PER_HOUR;
          if (end > x.to) continue;
          let shifts = Math.round(o.hours / shiftHours);
          const failed = failedAt < end;
          // A replacement before the failure (or with none) cuts the window short: no failure until
          // it, so a no-failure over the whole shifts before it (none: unknown, left out).
          if (resetAt < Math.min(failedAt, end) && resetAt !== failedAt) {
            shifts = Math.floor((resetAt - t) / step);
            if (shifts < 1) continue;
          }
          o.risk.push(1 - survive[shifts]);
          o.failed.push(failed && shifts * shiftHours >= o.hours ? 1 : 0);
          o.head.push(head);
          o.age.push(age);
          o.window.push(shifts * shiftHours);
        }
      }
    });
  }
  return out;
}
