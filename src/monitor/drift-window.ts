// The drift window of a data-contract model, and thresholds calibrated on the training data's own
// calm windows. Why: a shop's readings are not independent draws. Machines differ, jobs last hours,
// the shop warms and cools through the day and parts wear for days before they fail, so a window of
// a few hours, or even a day of a fleet, differs from a 30-day reference by more than Evidently's
// default thresholds although nothing changed (the historian fleet's first 5 live hours: normed
// Wasserstein 0.48 on coolant temperature, 5 of 6 readings "drifted"; shop E's first day: 0.31 on
// vibration, 0.24 on axis current, both over 0.1). So the window is a whole day (the last 24 h of
// readings, at most DRIFT_WINDOW_ROWS of them), tested only once it is full, and each reading's
// threshold is CALM_MARGIN × the largest score (÷ for the smallest p-value) that any full window of
// the training period scored against the same reference, never below Evidently's default: the
// training period is by definition calm for the model, and its windows carry every structure above.
// Pure: no I/O.
import { fleetTime, type LeadingMachine } from "../core/fleet-time.js";
import { type Column, type Columns, scoreFeature } from "./drift-report.js";
import { getStatTest, type TestName } from "./stats/registry.js";

export const DRIFT_WINDOW_MS = 24 * 3_600_000;
export const DRIFT_WINDOW_ROWS = 5000;
/**
 * How far past the training period's most drifted window a live window may go before a reading
 * drifts. A new day is a new draw: over 120 simulated live days of the historian fleet (seeds 7, 11
 * and 3) single readings went up to 1.42× their training maximum, two at once past 1.2× in one
 * 3-hour look; 1.2 still reports shop E's recalibration within a day (vibration 0.45×: 1.45× its
 * threshold once the window holds only the new day).
 */
export const CALM_MARGIN = 1.2;
/**
 * A group of machines' window (`monitor.drift_by`), at most: the server keeps this many readings per
 * group (monitor/live/monitor-groups.ts), so a shop of 40 groups holds 80,000 rows, not 200,000;
 * a group logging more than 2,000 readings a day is tested on its last 2,000, as its calibration was.
 */
export const GROUP_WINDOW_ROWS = 2000;
/** Calibration windows at most (ends evenly spread): enough for a year of hourly ends to be sampled. */
export const MAX_CALIBRATION_WINDOWS = 400;

export interface DriftCalibration {
  /** The window: the last `window_ms` of readings (null: a counter clock, rows only), at most `max_rows`. */
  window_ms: number | null;
  max_rows: number;
  /** Full windows of the training period scored. */
  windows: number;
  /** Per reading: its test, the most drifted score a calm window had, and the threshold used live. */
  features: Record<string, { test: TestName; calm: number; threshold: number }>;
}

/**
 * The first index of the window that ends with row `end` (exclusive), rows in time order: rows within
 * `spanMs` of the newest (all when spanMs is null), at most `maxRows`. `full`: the rows before it
 * reach back the whole span, or the row cap cut it.
 */
export function windowStart(
  times: ArrayLike<number>,
  end: number,
  spanMs: number | null,
  maxRows = DRIFT_WINDOW_ROWS,
): { from: number; full: boolean } {
  const floor = Math.max(0, end - maxRows);
  if (end === 0) return { from: 0, full: false };
  const newest = times[end - 1];
  let from = end;
  while (from > floor && (spanMs === null || times[from - 1] > newest - spanMs)) from--;
  const full = end - from >= maxRows || (from > 0 && spanMs !== null);
  return { from, full };
}

/**
 * A live window is not full when it holds under this share of the readings of the window before it
 * and at most half of that window's machines: a handful of readings of a few machines where the day
 * before held the fleet's day (trial 3: one reading of a machine whose clock ran 5 days fast, against
 * 240 of 10 machines) is not a day of the fleet, and its mix is not the reference's. Either count
 * alone is a normal shop: the first hours after a whole-shop weekend stop hold 5 % of Friday's
 * readings but nearly all its machines (shop G's Monday noon: 190 readings of 40 machines against
 * 3,657 of 41), and a weekend on which most machines stop holds few machines but a fair share of the
 * readings (three of ten running: 30 %).
 */
export const MIN_WINDOW_SHARE = 0.1;

/**
 * The live drift window over readings in time order (`times` ascending, `machines` row-aligned):
 * rows `from` to `to` (exclusive). On a clock (`spanMs` set) it ends at the fleet's time
 * (core/fleet-time.ts), not at the newest reading, so one machine whose clock runs ahead neither
 * empties the window nor is tested: its readings past the fleet's time are left out and the
 * machine is named in `leading`. `full` as windowStart's, unless the window holds few readings of
 * few machines beside the window before it (MIN_WINDOW_SHARE). A counter clock has no common time
 * (each machine's counter is its own): its window is the last rows.
 */
export function liveWindow(
  times: ArrayLike<number>,
  machines: ArrayLike<string>,
  spanMs: number | null,
  maxRows = DRIFT_WINDOW_ROWS,
): {
  from: number;
  to: number;
  full: boolean;
  leading: LeadingMachine[];
  reference: number | null;
  /** The fleet's time, where the window ends (null: no time span, or no reading). */
  end: number | null;
} {
  let to = times.length;
  let leading: LeadingMachine[] = [];
  let reference: number | null = null;
  let end: number | null = null;
  if (spanMs !== null && to > 0) {
    const newest = new Map<string, number>();
    for (let i = 0; i < to; i++)
      if (times[i] > (newest.get(machines[i]) ?? Number.NEGATIVE_INFINITY)) newest.set(machines[i], times[i]);
    const ft = fleetTime(newest);
    if (ft) {
      ({ leading, reference } = ft);
      end = ft.time;
      while (to > 0 && times[to - 1] > ft.time) to--;
    }
  }
  const w = windowStart(times, to, spanMs, maxRows);
  const before = windowStart(times, w.from, spanMs, maxRows);
  const count = (a: number, b: number) => {
    const seen = new Set<string>();
    for (let i = a; i < b; i++) seen.add(machines[i]);
    return seen.size;
  };
  const few =
    to - w.from < MIN_WINDOW_SHARE * (w.from - before.from) &&
    count(w.from, to) <= count(before.from, w.from) / 2;
  return { from: w.from, to, full: w.full && !few, leading, reference, end };
}

/** A reading over time: numbers (NaN missing) or category names (null missing), row-aligned with times. */
export type SeriesColumn = Float64Array | (string | null)[];

function slice(col: SeriesColumn, from: number, to: number): Column {
  return col instanceof Float64Array
    ? col.subarray(from, to)
    : col.slice(from, to).filter((v): v is string => v !== null);
}

function present(col: Column): boolean {
  if (!(col instanceof Float64Array)) return col.length > 0;
  for (let i = 0; i < col.length; i++) if (Number.isFinite(col[i])) return true;
  return false;
}

/**
 * Scores every full window of the training period (columns in time order, `times` ascending) against
 * the reference sample and turns the calm scores into per-reading thresholds. Windows end on each
 * hour of the period (each DRIFT_WINDOW_ROWS / 10 rows on a counter clock), at most
 * MAX_CALIBRATION_WINDOWS of them.
 */
export function calibrateDrift(
  reference: Columns,
  series: Record<string, SeriesColumn>,
  times: Float64Array,
  spanMs: number | null,
  maxRows = DRIFT_WINDOW_ROWS,
): DriftCalibration {
  const ends: number[] = [];
  const n = times.length;
  if (spanMs === null) for (let e = maxRows; e <= n; e += Math.max(1, maxRows / 10)) ends.push(e);
  else {
    let e = 0;
    const last = times[n - 1];
    for (let at = times[0] + spanMs; n > 0 && at <= last + 3_600_000; at += 3_600_000) {
      while (e < n && times[e] < at) e++;
      ends.push(e);
    }
  }
  const step = Math.max(1, ends.length / MAX_CALIBRATION_WINDOWS);
  const picked: number[] = [];
  for (let k = 0; k < ends.length; k += step) picked.push(ends[Math.floor(k)]);
  const calm = new Map<string, { test: TestName; score: number }>();
  let windows = 0;
  for (const end of picked) {
    const w = windowStart(times, end, spanMs, maxRows);
    if (!w.full) continue;
    windows++;
    for (const name of Object.keys(reference)) {
      const cur = series[name] && slice(series[name], w.from, end);
      if (!cur || !present(cur) || !present(reference[name])) continue;
      const r = scoreFeature(name, reference[name], cur);
      const worse = getStatTest(r.test).scoreKind === "p_value" ? Math.min : Math.max;
      const had = calm.get(name);
      calm.set(name, { test: r.test, score: had ? worse(had.score, r.score) : r.score });
    }
  }
  const features: DriftCalibration["features"] = {};
  for (const [name, c] of calm) {
    const t = getStatTest(c.test);
    const threshold =
      t.scoreKind === "p_value"
        ? Math.min(t.defaultThreshold, c.score / CALM_MARGIN)
        : Math.max(t.defaultThreshold, c.score * CALM_MARGIN);
    features[name] = { test: c.test, calm: c.score, threshold };
  }
  return { window_ms: spanMs, max_rows: maxRows, windows, features };
}
