// The planning forecast's calibration map (src/train/plan-calibration.ts) against answers worked
// out by hand: Platt's fit on two distinct forecasts is exact (two parameters, two points), so
// its optimum is the logit line through each group's mean Platt target.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MillwrightError } from "../../src/core/errors.js";
import { badModelFile } from "../../src/train/stored-heads.js";
import {
  calibrateCumulative,
  calibrateHazard,
  fitPlanCalibration,
  logit,
  type PlanCalibration,
  planCalibrationFromJSON,
} from "../../src/train/plan-calibration.js";

/** n part-mornings forecast at `risk`, k of which failed. */
function group(risk: number, n: number, k: number) {
  return { risk: Array<number>(n).fill(risk), failed: Array.from({ length: n }, (_, i) => (i < k ? 1 : 0)) };
}
function samples(hours: number, ...gs: ReturnType<typeof group>[]) {
  return { hours, risk: gs.flatMap((g) => g.risk), failed: gs.flatMap((g) => g.failed) };
}
const sigma = (z: number) => 1 / (1 + Math.exp(-z));

test("Platt on the logit of the forecast: with two distinct forecasts the fit is the line through both groups' mean targets", () => {
  // 100 parts at 1 %, 2 failed; 20 parts at 30 %, 4 failed. Platt's targets: failures (6+1)/(6+2),
  // survivors 1/(114+2) (scikit-learn's _sigmoid_calibration on f = logit(C), with A = −a, B = −b).
  const cal = fitPlanCalibration(
    [samples(168, group(0.01, 100, 2), group(0.3, 20, 4))],
    "hand",
  ) as PlanCalibration;
  const tPos = 7 / 8;
  const tNeg = 1 / 116;
  const q1 = (2 * tPos + 98 * tNeg) / 100;
  const q2 = (4 * tPos + 16 * tNeg) / 20;
  const a = (logit(q2) - logit(q1)) / (logit(0.3) - logit(0.01));
  const b = logit(q1) - a * logit(0.01);
  const [x] = cal.anchors;
  assert.ok(Math.abs(x.a - a) < 1e-6, `a ${x.a} vs ${a}`);
  assert.ok(Math.abs(x.b - b) < 1e-6, `b ${x.b} vs ${b}`);
  assert.deepEqual([x.hours, x.samples, x.failures], [168, 120, 6]);
  // The map gives each group its (smoothed) observed rate back: over-confident 30 % → about 18 %.
  assert.ok(Math.abs(calibrateCumulative(cal, 168, 0.3) - q2) < 1e-6);
  assert.ok(Math.abs(calibrateCumulative(cal, 168, 0.01) - q1) < 1e-6);
  assert.ok(a > 0 && a < 1, "an over-confident forecast gets a slope below 1");
});

test("a forecast that ranks parts the wrong way round maps to the observed rate; too few failures fit nothing", () => {
  const cal = fitPlanCalibration(
    [samples(168, group(0.01, 100, 10), group(0.3, 20, 0)), samples(24, group(0.01, 100, 4))],
    "hand",
  ) as PlanCalibration;
  // The 24 h anchor has 4 failures (< 5): not fitted. The 168 h one: slope cut to 0, the rate (10+1)/(120+2).
  assert.equal(cal.anchors.length, 1);
  assert.equal(cal.anchors[0].a, 0);
  for (const c of [0, 0.01, 0.5, 1]) assert.ok(Math.abs(calibrateCumulative(cal, 168, c) - 11 / 122) < 1e-12);
  assert.equal(fitPlanCalibration([samples(24, group(0.01, 100, 4))], "hand"), null);
});

const TWO: PlanCalibration = {
  method: "platt-logit",
  anchors: [
    { hours: 24, a: 0.8, b: -0.5, samples: 1, failures: 1 },
    { hours: 168, a: 0.4, b: -1.5, samples: 1, failures: 1 },
  ],
  describe: "hand",
};

test("between anchors (a, b) move linearly in hours; outside them the nearest anchor's hold", () => {
  const c = 0.2;
  const mid = sigma(0.6 * logit(c) - 1.0); // 96 h: halfway between 24 and 168
  assert.ok(Math.abs(calibrateCumulative(TWO, 96, c) - mid) < 1e-12);
  assert.ok(Math.abs(calibrateCumulative(TWO, 8, c) - sigma(0.8 * logit(c) - 0.5)) < 1e-12);
  assert.ok(Math.abs(calibrateCumulative(TWO, 300, c) - sigma(0.4 * logit(c) - 1.5)) < 1e-12);
});

test("calibrated per-shift risks: the mapped cumulative risk at each anchor's hour and the plan's end, shared out between them as the model's own hazard is", () => {
  const h = [0.01, 0.02, 0.05, 0.01, 0.0, 0.03, 0.02, 0.04, 0.01, 0.02, 0.01, 0.01];
  const out = calibrateHazard(TWO, h, 8);
  const L = (p: number) => -Math.log(1 - p);
  let raw = 1;
  let cal = 1;
  let prev = 0;
  for (let u = 0; u < h.length; u++) {
    raw *= 1 - h[u];
    cal *= 1 - out[u];
    assert.ok(out[u] >= 0 && out[u] <= 1);
    // 24 h (shift 2) is an anchor's hour and shift 11 the plan's last: mapped there.
    if (u === 2 || u === 11) {
      const want = Math.max(prev, calibrateCumulative(TWO, (u + 1) * 8, 1 - raw));
      assert.ok(Math.abs(1 - cal - want) < 1e-12, `shift ${u}: ${1 - cal} vs ${want}`);
      prev = want;
    }
  }
  // Between them each shift gets the same share of the calibrated hazard as of the model's own:
  // a shift the model gives no risk gets none (mapping every shift, a shift could get risk from the
  // map's parameters moving with the hours alone, or none where the mapped curve had to be held flat).
  const ratio = (u: number) => L(out[u]) / L(h[u]);
  for (const u of [0, 1]) assert.ok(Math.abs(ratio(u) - ratio(2)) < 1e-9, `shift ${u}`);
  for (const u of [5, 6, 7, 8, 9, 10, 11]) assert.ok(Math.abs(ratio(u) - ratio(3)) < 1e-9, `shift ${u}`);
  assert.equal(out[4], 0);
  // A part the model scores flat all week gets a flat calibrated risk after the first day.
  const flat = calibrateHazard(TWO, Array<number>(21).fill(0.004), 8);
  for (let u = 4; u < 21; u++) assert.ok(Math.abs(flat[u] - flat[3]) < 1e-12, `flat shift ${u}`);
  // Lower risks from shift 6 on (a task there) leave the first day as it was, and lower the rest.
  const after = h.map((v, u) => (u < 6 ? v : v / 4));
  const out2 = calibrateHazard(TWO, after, 8);
  assert.deepEqual(out2.slice(0, 3), out.slice(0, 3));
  let s1 = 1;
  let s2 = 1;
  for (let u = 6; u < h.length; u++) {
    s1 *= 1 - out[u];
    s2 *= 1 - out2[u];
  }
  assert.ok(1 - s2 < 1 - s1, "the task's calibrated risk after is below its risk before");
  // The identity map (a = 1, b = 0) changes nothing.
  const id: PlanCalibration = { ...TWO, anchors: [{ hours: 24, a: 1, b: 0, samples: 1, failures: 1 }] };
  calibrateHazard(id, h, 8).forEach((v, u) => {
    assert.ok(Math.abs(v - h[u]) < 1e-9, `shift ${u}`);
  });
});

test("the model file's planCalibration is read back as written, and a broken one names the file", () => {
  const bad = badModelFile("m.json");
  assert.deepEqual(planCalibrationFromJSON(JSON.parse(JSON.stringify(TWO)), bad), TWO);
  assert.equal(planCalibrationFromJSON(undefined, bad), null);
  const broken = { ...TWO, anchors: [TWO.anchors[1], TWO.anchors[0]] };
  assert.throws(
    () => planCalibrationFromJSON(broken, bad),
    (e: unknown) =>
      e instanceof MillwrightError &&
      e.code === "MW_MODEL_CORRUPT" &&
      /m\.json: planCalibration\.anchors\[1\]/.test(e.message),
  );
});
