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
// Applying it (calibrateHazard) maps the cumulative risk by each shift's end, with (a, b)
// interpolated linearly in hours between the anchors and held beyond them; the map at a shift
// depends only on the risk up to it, so a task at shift s leaves shifts before s as they were.
// Pure: no I/O.
import { fitPlatt } from "../model/calibrate.js";
import type { Bad } from "./stored-heads.js";

export interface PlanCalibrationAnchor {
  /** Hours from the plan's start the map is fitted for. */
  hours: number;
  a: number;
  b: number;
  /** Part-mornings and failures it was fitted on. */
  samples: number;
  failures: number;
}

export interface PlanCalibration {
  method: "platt-logit";
  /** Increasing hours. */
  anchors: PlanCalibrationAnchor[];
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

/** (a, b) at `hours`: linear between anchors, the nearest anchor's outside them. */
function paramsAt(cal: PlanCalibration, hours: number): { a: number; b: number } {
  const xs = cal.anchors;
  if (hours <= xs[0].hours) return xs[0];
  for (let i = 1; i < xs.length; i++)
    if (hours <= xs[i].hours) {
      const w = (hours - xs[i - 1].hours) / (xs[i].hours - xs[i - 1].hours);
      return { a: xs[i - 1].a + w * (xs[i].a - xs[i - 1].a), b: xs[i - 1].b + w * (xs[i].b - xs[i - 1].b) };
    }
  return xs[xs.length - 1];
}

/** The calibrated cumulative risk for a forecast cumulative risk `c` within `hours`. */
export function calibrateCumulative(cal: PlanCalibration, hours: number, c: number): number {
  const { a, b } = paramsAt(cal, hours);
  return 1 / (1 + Math.exp(-(a * logit(c) + b)));
}

/**
 * Per-shift risks → calibrated per-shift risks: the cumulative risk by each shift's end is mapped,
 * kept non-decreasing, and turned back into the risk within each shift given none before.
 */
export function calibrateHazard(
  cal: PlanCalibration,
  hazard: readonly number[],
  shiftHours: number,
): number[] {
  const out = new Array<number>(hazard.length);
  let survive = 1;
  let prev = 0;
  for (let u = 0; u < hazard.length; u++) {
    survive *= 1 - hazard[u];
    const c = Math.max(prev, calibrateCumulative(cal, (u + 1) * shiftHours, 1 - survive));
    out[u] = prev >= 1 ? 0 : (c - prev) / (1 - prev);
    prev = c;
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
    return x as unknown as PlanCalibrationAnchor;
  });
  return { method: "platt-logit", anchors, describe: typeof o.describe === "string" ? o.describe : "" };
}
