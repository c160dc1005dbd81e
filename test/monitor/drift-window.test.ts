// The contract monitor's day window and the thresholds calibrated on the training period's own
// windows (src/monitor/drift-window.ts): the window rule, and each threshold checked against
// scipy.stats.wasserstein_distance's definition (∫|F_u − F_v|, written out here) over every window.
import assert from "node:assert/strict";
import { test } from "node:test";
import { driftReport } from "../../src/monitor/drift-report.js";
import { fleetTime } from "../../src/core/fleet-time.js";
import {
  CALM_MARGIN,
  calibrateDrift,
  DRIFT_WINDOW_MS,
  liveWindow,
  windowStart,
} from "../../src/monitor/drift-window.js";

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

/** `machines` machines reading hourly at hours 0 … hours − 1, in time order. */
function fleet(machines: number, hours: number): { times: number[]; ids: string[] } {
  const times: number[] = [];
  const ids: string[] = [];
  for (let h = 0; h < hours; h++)
    for (let m = 1; m <= machines; m++) {
      times.push(h * H);
      ids.push(`H${String(m).padStart(2, "0")}`);
    }
  return { times, ids };
}

test("live window: one machine whose clock runs 5 days fast neither empties the window nor is tested (trial 3, F1)", () => {
  const { times, ids } = fleet(10, 30);
  times.push(29 * H + 5 * 24 * H);
  ids.push("H05");
  // As it was: the window ended at H05's reading and held it alone, "full".
  assert.deepEqual(windowStart(times, times.length, DRIFT_WINDOW_MS), { from: 300, full: true });
  // It ends at the fleet's time: the day before it, 240 readings, and H05's fast one left out and named.
  const w = liveWindow(times, ids, DRIFT_WINDOW_MS);
  assert.deepEqual([w.from, w.to, w.full], [60, 300, true]);
  assert.deepEqual(w.leading, [{ machine: "H05", time: 149 * H, lead_ms: 120 * H }]);
  assert.equal(w.reference, 29 * H);
  // A normal fleet: as windowStart, nobody leads.
  const normal = fleet(10, 30);
  const n = liveWindow(normal.times, normal.ids, DRIFT_WINDOW_MS);
  assert.deepEqual([n.from, n.to, n.full, n.leading], [60, 300, true, []]);
  assert.deepEqual(windowStart(normal.times, 300, DRIFT_WINDOW_MS), { from: 60, full: true });
});

test("live window: a machine a few hours past the reference moves the fleet's time and is tested; only one past 12 h leads (trial 6)", () => {
  const { times, ids } = fleet(12, 30);
  // L01 7 h past the rest (within 12 h: counted), R01 39 h past (a clock gone wrong).
  times.push(29 * H + 7 * H, 29 * H + 39 * H);
  ids.push("L01", "R01");
  const w = liveWindow(times, ids, DRIFT_WINDOW_MS);
  assert.equal(w.reference, 29 * H);
  assert.equal(w.end, 36 * H, "the fleet's time: L01's reading, where a plan starts too");
  assert.deepEqual(w.leading, [{ machine: "R01", time: 68 * H, lead_ms: 39 * H }]);
  // The window holds L01's reading (the 24 h up to it), not R01's.
  assert.equal(w.to, times.length - 1);
  assert.equal(times[w.to - 1], 36 * H);
  assert.equal(times[w.from], 12 * H + H, "24 h back from 36 h, exclusive of its start");
});

test("live window: a handful of readings of a few machines where the day before held the fleet's is not full", () => {
  // Three of ten machines 5 days fast: more than the quarter the fleet's time stands, so the window
  // ends at theirs, and holds their 3 readings against the 240 of the day before.
  const { times, ids } = fleet(10, 30);
  for (const m of ["H01", "H02", "H03"]) {
    times.push(149 * H);
    ids.push(m);
  }
  const w = liveWindow(times, ids, DRIFT_WINDOW_MS);
  assert.deepEqual([w.to - w.from, w.full], [3, false]);
  // The first hour of a whole fleet back after a pause of 3 days (a weekend stop): 10 readings
  // against a day of 240, but all of its machines: tested, as before.
  const back = fleet(10, 30);
  for (let m = 1; m <= 10; m++) {
    back.times.push(101 * H);
    back.ids.push(`H${String(m).padStart(2, "0")}`);
  }
  const b = liveWindow(back.times, back.ids, DRIFT_WINDOW_MS);
  assert.deepEqual([b.to - b.from, b.full, b.leading], [10, true, []]);
  // Two machines (a group's window), one 5 days fast: the robust time cannot tell which is right,
  // but one reading of one machine against a day of two is not a day.
  const two = fleet(2, 30);
  two.times.push(149 * H);
  two.ids.push("H02");
  const t2 = liveWindow(two.times, two.ids, DRIFT_WINDOW_MS);
  assert.deepEqual([t2.to - t2.from, t2.full], [1, false]);
  // A weekend on which seven of ten machines stop: the three running are not "ahead", and their day
  // (72 readings, 30 % of the day before) is tested.
  const weekend = fleet(10, 30);
  for (let h = 30; h < 60; h++)
    for (const m of ["H08", "H09", "H10"]) {
      weekend.times.push(h * H);
      weekend.ids.push(m);
    }
  const wk = liveWindow(weekend.times, weekend.ids, DRIFT_WINDOW_MS);
  assert.deepEqual([wk.to - wk.from, wk.full, wk.leading], [72, true, []]);
});

test("the fleet's time: the newest reading of the machines not more than 12 h past the quarter from the top", () => {
  const ft = (xs: [string, number][]) => fleetTime(xs);
  assert.equal(ft([]), null);
  // One or two machines: nothing to judge by.
  assert.deepEqual(ft([["A", 0]]), { time: 0, reference: 0, leading: [] });
  assert.deepEqual(
    ft([
      ["A", 0],
      ["B", 100 * H],
    ])?.leading,
    [],
  );
  // Three: the median; a lead of 12 h exactly is no lead.
  assert.deepEqual(
    ft([
      ["A", 0],
      ["B", H],
      ["C", 13 * H],
    ]),
    { time: 13 * H, reference: H, leading: [] },
  );
  const three = ft([
    ["A", 0],
    ["B", H],
    ["C", 13 * H + 1],
  ]);
  assert.deepEqual([three?.time, three?.leading.map((l) => l.machine)], [H, ["C"]]);
  // Eight: two may lead; the third would be the reference itself.
  const eight: [string, number][] = Array.from({ length: 8 }, (_, i) => [`M${i}`, i < 6 ? 0 : 50 * H]);
  assert.deepEqual(
    ft(eight)?.leading.map((l) => l.machine),
    ["M6", "M7"],
  );
  eight[5][1] = 50 * H;
  assert.deepEqual(ft(eight)?.leading, []);
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
