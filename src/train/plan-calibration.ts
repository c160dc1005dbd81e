// Calibration of the planning forecast's risk (README "Tasks and the plan", BENCHMARKS.md plan
// backtest). The model's probabilities are calibrated for its own label (a failure within the
// contract's horizon after a real reading); the planner carries a machine's last row forward for
// 7 days and compounds those probabilities, and measured against what followed that 7-day risk was
// over-confident (parts given 20–50 % failed at about 10 %). So at training time the model's own
// forecast is replayed on the validation period's mornings (time-split.ts: rows the trees were not
// fitted on) and, per anchor horizon (24 h, 168 h), a Platt map on the logit of the forecast
// cumulative risk is fitted to whether the part failed within that horizon:
//   C′ = σ(a · logit(C) + b)   (scikit-learn's _sigmoid_calibration on logit(C), A = −a, B = −b).
// Platt, not isotonic: a few dozen failures per fit, and a smooth, strictly increasing map keeps
// the ranking of the parts (an isotonic step would flatten a range of forecasts to one value).
// How a task's risk after uses the map: plan/risk-calibrated.ts.
// Applying it (calibrateHazard) maps the cumulative risk by the anchors' hours (and the plan's end,
// with (a, b) interpolated linearly in hours between the anchors and held beyond them) and shares
// the calibrated cumulative hazard between them out as the model's own is.
// Pure: no I/O.
import { fitPlatt } from "../model/calibrate.js";
import type { Weibull } from "../model/weibull.js";
import type { Bad } from "./stored-heads.js";

/** A failure kind's Weibull life law and the lifetimes it was fitted on. */
export interface PartLife extends Weibull {
  lifetimes: number;
  failures: number;
}

export interface PlanCalibrationAnchor {
  /** Hours from the plan's start the map is fitted for. */
  hours: number;
  a: number;
  b: number;
  /** Part-mornings and failures it was fitted on. */
  samples: number;
  failures: number;
  /**
   * The map with the part's age stacked in (plan-calibration-age.ts), fitted on the part-mornings
   * whose age and life law are known: C′ = σ(a · logit(C) + c · ln H + b), H the part's cumulative
   * Weibull hazard over the window. Absent in a model trained before it, or with too few failures.
   */
  age?: AgeMap;
}

export interface AgeMap {
  a: number;
  c: number;
  b: number;
  /** The range of ln H among the part-mornings it was fitted on: ln H is held within it when applied. */
  lo: number;
  hi: number;
  samples: number;
  failures: number;
}

export interface PlanCalibration {
  method: "platt-logit";
  /** Increasing hours. */
  anchors: PlanCalibrationAnchor[];
  /** Each failure kind's life law, fitted on the training period's part lifetimes (plan-calibration-age.ts). */
  weibull?: Record<string, PartLife>;
  /** Where the mornings came from, for the model card and the plan's method text. */
  describe: string;
}

/** The anchors fitted: the planner's first day and its whole week. */
export const PLAN_CALIBRATION_HOURS = [24, 168] as const;
/** An anchor needs this many failures among its part-mornings, else it is not fitted. */
export const MIN_CALIBRATION_FAILURES = 5;

const EPS = 1e-6;
export function logit(p: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
}

export interface AnchorSamples {
  hours: number;
  /** Forecast cumulative risk within `hours`, one per part-morning. */
  risk: number[];
  /** 1: the part failed within `hours` of the morning. */
  failed: number[];
  /** Each part-morning's failure kind and the part's age then (hours; NaN: not known). */
  head?: string[];
  age?: number[];
  /**
   * Hours each part-morning's window covers: `hours`, or fewer when a replacement cut it short (the
   * part then counts as not failed over the shifts before the replacement: plan-calibration-samples.ts).
   */
  window?: number[];
}

/**
 * One Platt map per anchor with enough failures; null when none has. A negative slope (the forecast
 * ranks parts the wrong way round on these mornings) is cut to 0: the map then says the base rate.
 */
export function fitPlanCalibration(anchors: AnchorSamples[], describe: string): PlanCalibration | null {
  const out: PlanCalibrationAnchor[] = [];
  for (const s of [...anchors].sort((x, y) => x.hours - y.hours)) {
    const failures = s.failed.reduce((a, y) => a + (y > 0 ? 1 : 0), 0);
    if (failures < MIN_CALIBRATION_FAILURES || failures === s.failed.length) continue;
    const f = s.risk.map(logit);
    let { a, b } = fitPlatt(f, s.failed);
    if (a < 0) {
      // Refit the intercept alone: Platt with a = 0 is the (smoothed) observed rate.
      const t = (failures + 1) / (s.failed.length + 2);
      a = 0;
      b = Math.log(t / (1 - t));
    }
    out.push({ hours: s.hours, a, b, samples: s.failed.length, failures });
  }
  return out.length ? { method: "platt-logit", anchors: out, describe } : null;
}

/** (a, c, b) at `hours`: linear between anchors, the nearest anchor's outside them. */
function paramsAt(xs: readonly AgeMap[], hours: readonly number[], at: number): AgeMap {
  if (at <= hours[0]) return xs[0];
  for (let i = 1; i < xs.length; i++)
    if (at <= hours[i]) {
      const w = (at - hours[i - 1]) / (hours[i] - hours[i - 1]);
      const mix = (f: (x: AgeMap) => number) => f(xs[i - 1]) + w * (f(xs[i]) - f(xs[i - 1]));
      const [a, c, b, lo, hi] = [
        mix((x) => x.a),
        mix((x) => x.c),
        mix((x) => x.b),
        mix((x) => x.lo),
        mix((x) => x.hi),
      ];
      return { ...xs[i], a, c, b, lo, hi };
    }
  return xs[xs.length - 1];
}

/** Whether every anchor has the age map (then a part whose age is known is mapped with it). */
export function hasAgeMap(cal: PlanCalibration): boolean {
  return !!cal.weibull && cal.anchors.every((x) => x.age);
}

/**
 * The calibrated cumulative risk for a forecast cumulative risk `c` within `hours`; with `logH`
 * (the part's ln cumulative Weibull hazard over those hours) and an age map, the age map's.
 */
export function calibrateCumulative(cal: PlanCalibration, hours: number, c: number, logH?: number): number {
  const hs = cal.anchors.map((x) => x.hours);
  const useAge = logH !== undefined && hasAgeMap(cal);
  const xs = useAge
    ? cal.anchors.map((x) => x.age as AgeMap)
    : cal.anchors.map((x) => ({ ...x, c: 0, lo: 0, hi: 0 }));
  const p = paramsAt(xs, hs, hours);
  // An age beyond those the map saw (a part far past its maintenance interval) is not extrapolated.
  const h = useAge ? Math.min(p.hi, Math.max(p.lo, logH as number)) : 0;
  return 1 / (1 + Math.exp(-(p.a * logit(c) + p.c * h + p.b)));
}

/**
 * Per-shift risks → calibrated per-shift risks. The map is fitted for the cumulative risk within its
 * anchors' hours (24 h, 168 h), so that is where it is applied: the cumulative risk by the end of the
 * shift ending on an anchor's hour (and by the plan's last shift, and by each shift past the last
 * anchor, with the nearest anchor's parameters) is mapped, kept non-decreasing. Between two such
 * shifts the calibrated cumulative hazard (−ln of the survival) is shared out in proportion to the
 * model's own, so the model says when within the day or the week the risk comes, and the map how
 * much there is. (Mapping every shift's cumulative risk with parameters interpolated in hours, as
 * before, gave the week a shape no data had: the day's map follows the trees, the week's follows a
 * part's age, so a part the trees score low and the age map high came out with 2 % of its 39 % week
 * risk in the first 3 days, and the MIP put its task off to the next week's Monday: BENCHMARKS.md,
 * plan backtest, issue 16.) A shift's risk reads the shifts up to the next such shift.
 * `logH`: the part's ln cumulative Weibull hazard from the plan's start to `hours` (age map).
 */
export function calibrateHazard(
  cal: PlanCalibration,
  hazard: readonly number[],
  shiftHours: number,
  logH?: (hours: number) => number,
): number[] {
  const n = hazard.length;
  const MAX_LAMBDA = -Math.log(1e-15);
  const lambda = (p: number) => Math.min(MAX_LAMBDA, -Math.log(Math.max(1e-15, 1 - p)));
  // The model's cumulative hazard by the end of each shift (raw[u + 1]: shifts 0..u).
  const raw = [0];
  for (let u = 0; u < n; u++)
    raw.push(Math.min(MAX_LAMBDA, raw[u] + lambda(Math.min(1, Math.max(0, hazard[u])))));
  const last = cal.anchors[cal.anchors.length - 1].hours;
  const isKnot = (u: number) => {
    const hours = (u + 1) * shiftHours;
    return u === n - 1 || hours > last || cal.anchors.some((a) => Math.abs(a.hours - hours) < 1e-9);
  };
  const out = new Array<number>(n);
  let from = -1; // the previous knot (−1: the plan's start)
  let mappedFrom = 0;
  for (let k = 0; k < n; k++) {
    if (!isKnot(k)) continue;
    const hours = (k + 1) * shiftHours;
    const c = calibrateCumulative(cal, hours, 1 - Math.exp(-raw[k + 1]), logH?.(hours));
    const mappedTo = Math.max(mappedFrom, lambda(c));
    const span = raw[k + 1] - raw[from + 1];
    let prev = mappedFrom;
    for (let u = from + 1; u <= k; u++) {
      const share = span > 1e-15 ? (raw[u + 1] - raw[from + 1]) / span : (u - from) / (k - from);
      const now = mappedFrom + (mappedTo - mappedFrom) * share;
      out[u] = 1 - Math.exp(-(now - prev));
      prev = now;
    }
    from = k;
    mappedFrom = mappedTo;
  }
  return out;
}

export function planCalibrationFromJSON(raw: unknown, bad: Bad): PlanCalibration | null {
  if (raw === undefined || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (o.method !== "platt-logit" || !Array.isArray(o.anchors) || o.anchors.length === 0)
    bad("planCalibration: expected { method: 'platt-logit', anchors: [...] }");
  let last = Number.NEGATIVE_INFINITY;
  const anchors = (o.anchors as Record<string, unknown>[]).map((x, i) => {
    const nums = [x?.hours, x?.a, x?.b, x?.samples, x?.failures];
    if (!nums.every((v) => typeof v === "number" && Number.isFinite(v)) || (x.hours as number) <= last)
      bad(`planCalibration.anchors[${i}]: needs finite hours (increasing), a, b, samples, failures`);
    last = x.hours as number;
    const age = x.age as Record<string, unknown> | undefined;
    if (age !== undefined && !finite(age, ["a", "c", "b", "lo", "hi", "samples", "failures"]))
      bad(`planCalibration.anchors[${i}].age: needs finite a, c, b, lo, hi, samples, failures`);
    return x as unknown as PlanCalibrationAnchor;
  });
  const out: PlanCalibration = {
    method: "platt-logit",
    anchors,
    describe: typeof o.describe === "string" ? o.describe : "",
  };
  // A model trained before the age map has neither `weibull` nor anchors' `age`: the Platt map alone.
  if (o.weibull !== undefined) {
    const w = o.weibull as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(w ?? {}))
      if (
        !finite(v, ["shape", "scale", "lifetimes", "failures"]) ||
        !((v.shape as number) > 0 && (v.scale as number) > 0)
      )
        bad(`planCalibration.weibull.${k}: needs positive shape and scale, and lifetimes, failures`);
    out.weibull = w as unknown as Record<string, PartLife>;
  }
  return out;
}

function finite(o: Record<string, unknown> | null | undefined, keys: string[]): boolean {
  return !!o && typeof o === "object" && keys.every((k) => typeof o[k] === "number" && Number.isFinite(o[k]));
}
