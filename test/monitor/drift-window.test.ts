// The contract monitor's day window and the thresholds calibrated on the training period's own
// windows (src/monitor/drift-window.ts): the window rule, and each threshold checked against
// scipy.stats.wasserstein_distance's definition (∫|F_u − F_v|, written out here) over every window.
import assert from "node:assert/strict";
import { test } from "node:test";
import { driftReport } from "../../src/monitor/drift-report.js";
import { CALM_MARGIN, calibrateDrift, DRIFT_WINDOW_MS, windowStart } from "../../src/monitor/drift-window.js";

const H = 3_600_000;

/** scipy.stats._stats_py._cdf_distance(1, u, v), unweighted, as scipy writes it. */
function scipyWasserstein(u: number[], v: number[]): number {
  const us = [...u].sort((a, b) => a - b);
  const vs = [...v].sort((a, b) => a - b);
  const all = [...u, ...v].sort((a, b) => a - b);
  // np.searchsorted(xs, x, side="right")
  const right = (xs: number[], x: number) => {
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let total = 0;
  for (let i = 0; i + 1 < all.length; i++) {
    const d = all[i + 1] - all[i];
    total += Math.abs(right(us, all[i]) / us.length - right(vs, all[i]) / vs.length) * d;
  }
  return total;
}

const std = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};

test("the window: the last 24 h of readings, at most the row cap; full once it reaches back the whole span", () => {
  const hourly = Array.from({ length: 30 }, (_, i) => i * H);
  assert.deepEqual(windowStart(hourly, 30, DRIFT_WINDOW_MS), { from: 6, full: true });
  assert.deepEqual(windowStart(hourly, 24, DRIFT_WINDOW_MS), { from: 0, full: false });
  assert.deepEqual(windowStart(hourly, 25, DRIFT_WINDOW_MS), { from: 1, full: true });
  // The row cap cuts first: full, though it spans less than a day.
  assert.deepEqual(windowStart(hourly, 30, DRIFT_WINDOW_MS, 10), { from: 20, full: true });
  // A counter clock has no span: the last rows only.
  assert.deepEqual(windowStart(hourly, 30, null, 10), { from: 20, full: true });
  assert.deepEqual(windowStart(hourly, 8, null, 10), { from: 0, full: false });
});

test("calibrated thresholds: the margin × the most drifted full training window, scipy's Wasserstein over the reference's std, never under 0.1", () => {
  // Eight machines, hourly, 6 days (over 1,000 reference rows: Evidently's normed Wasserstein): a
  // daily cycle, a per-machine offset, and a wear ramp on day 4.
  const M = 8;
  const times: number[] = [];
  const cycle: number[] = [];
  const flat: number[] = [];
  for (let h = 0; h < 6 * 24; h++)
    for (let m = 0; m < M; m++) {
      times.push(h * H);
      cycle.push(Math.sin((2 * Math.PI * h) / 24) + m / 4 + (h >= 72 && h < 96 ? (h - 72) / 8 : 0));
      flat.push(10 + ((h * 7 + m * 3) % 5) / 100);
    }
  const ref = { cycle: Float64Array.from(cycle), flat: Float64Array.from(flat) };
  const cal = calibrateDrift(
    ref,
    { cycle: Float64Array.from(cycle), flat: Float64Array.from(flat), kind: cycle.map(() => "a") },
    Float64Array.from(times),
    DRIFT_WINDOW_MS,
  );
  // A window ends on each hour; the full ones have hours 24 … 143 as their newest.
  assert.equal(cal.windows, 5 * 24);
  let worst = 0;
  for (let newest = 24; newest < 144; newest++) {
    // The day up to hour `newest`: hours newest − 23 … newest, all machines (full: hour newest − 24 exists).
    const w = cycle.slice((newest - 23) * M, (newest + 1) * M);
    worst = Math.max(worst, scipyWasserstein(cycle, w) / std(cycle));
  }
  assert.equal(cal.features.cycle.test, "wasserstein");
  assert.ok(Math.abs(cal.features.cycle.calm - worst) < 1e-9, `${cal.features.cycle.calm} vs ${worst}`);
  assert.ok(Math.abs(cal.features.cycle.threshold - CALM_MARGIN * worst) < 1e-9);
  assert.ok(cal.features.cycle.threshold > 0.1);
  // Nothing moves the flat reading: Evidently's default stays.
  assert.equal(cal.features.flat.threshold, 0.1);
  // Only readings in the reference are calibrated.
  assert.equal(cal.features.kind, undefined);
});

test("the dataset drift share is an option (Evidently's drift_share), 0.5 by default", () => {
  const ref = {
    a: Float64Array.from({ length: 200 }, (_, i) => i),
    b: Float64Array.from({ length: 200 }, (_, i) => i),
  };
  const cur = { a: Float64Array.from({ length: 200 }, (_, i) => i + 100), b: ref.b };
  assert.deepEqual([driftReport(ref, cur).dataset_drift, driftReport(ref, cur).share_threshold], [true, 0.5]);
  const strict = driftReport(ref, cur, { shareThreshold: 0.75 });
  assert.deepEqual([strict.drift_share, strict.share_threshold, strict.dataset_drift], [0.5, 0.75, false]);
});
