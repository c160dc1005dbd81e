// The part's age stacked into the planning calibration (src/train/plan-calibration-age.ts): the
// lifetimes read from hand-made event tables, the 2-input map fitted on exactly the inputs the
// file's comment names (logit of the forecast, ln of the Weibull hazard over the window), the
// hazard restarting at a replacement, and the stored map read back (an old model without it too).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EventTable } from "../../src/data/events.js";
import { fitLogisticPlatt } from "../../src/model/logistic.js";
import { weibullCumHazard } from "../../src/model/weibull.js";
import { badModelFile } from "../../src/train/stored-heads.js";
import {
  calibrateCumulative,
  logit,
  type PartLife,
  planCalibrationFromJSON,
  type PlanCalibration,
} from "../../src/train/plan-calibration.js";
import { ageLogHazard, partLifetimes, withAgeMaps } from "../../src/train/plan-calibration-age.js";

const H = 3_600_000;
function table(rows: [number, number, string][]): EventTable {
  return {
    n: rows.length,
    machine: Int32Array.from(rows.map((r) => r[0])),
    time: Float64Array.from(rows.map((r) => r[1] * H)),
    kind: rows.map((r) => r[2]),
  };
}

test("lifetimes: renewal to failure (observed), to the next renewal or the end (censored), entering at the data's start", () => {
  const resets = table([
    [0, -300, "sb"],
    [0, -100, "sb"],
    [0, 500, "sb"],
    [0, 1302, "sb"],
    [0, 2100, "sb"],
    [0, 700, "other"],
  ]);
  const failures = table([
    [0, 1300, "sb"],
    [1, 1800, "sb"],
  ]);
  const lives = partLifetimes(failures, resets, 2, "sb", 0, 2000 * H);
  assert.deepEqual(lives, [
    { time: 600, failed: 0, entry: 100 }, // installed before the data: seen from age 100
    { time: 800, failed: 1, entry: 0 },
    { time: 2, failed: 0, entry: 0 }, // the failed part's repair: a new part 2 h later
    { time: 698, failed: 0, entry: 0 }, // to the end of the period (the 2100 renewal is after it)
    { time: 200, failed: 0, entry: 0 }, // machine 1: from its failure on
  ]);
});

test("ln H over a window, and the restart at a replacement", () => {
  const life: PartLife = { shape: 4, scale: 3000, lifetimes: 1, failures: 1 };
  const old = ageLogHazard(life, 2400);
  assert.ok(Math.abs(old(168) - Math.log((2568 / 3000) ** 4 - 0.8 ** 4)) < 1e-12);
  // Replaced 24 h in: 24 h of the old part, then 144 h of a new one from age 0.
  const renewed = ageLogHazard(life, 2400, 24);
  const want = weibullCumHazard(life, 2424) - weibullCumHazard(life, 2400) + weibullCumHazard(life, 144);
  assert.ok(Math.abs(renewed(168) - Math.log(want)) < 1e-12);
  assert.equal(renewed(24), old(24));
  assert.ok(
    ageLogHazard(life, 2400, 0)(168) < old(168) - 3,
    "a new part's week hazard is far below a worn one's",
  );
});

test("the age map is the 2-input logistic fit on logit(C) and ln H; a kind without a life law stays out", () => {
  const lives: Record<string, PartLife> = {
    a: { shape: 4, scale: 3000, lifetimes: 20, failures: 6 },
    b: { shape: 3, scale: 2000, lifetimes: 20, failures: 6 },
  };
  const risk: number[] = [];
  const failed: number[] = [];
  const head: string[] = [];
  const age: number[] = [];
  for (let i = 0; i < 300; i++) {
    risk.push(0.01 + ((i * 37) % 100) / 400);
    age.push(i % 7 === 0 ? Number.NaN : (i * 113) % 3200);
    head.push(["a", "b", "c"][i % 3]);
    failed.push((i * 37) % 100 > 70 && (i * 113) % 3200 > 1800 ? 1 : i % 41 === 0 ? 1 : 0);
  }
  const samples = [{ hours: 168, risk, failed, head, age }];
  const platt: PlanCalibration = {
    method: "platt-logit",
    anchors: [{ hours: 168, a: 0.3, b: -2, samples: 300, failures: 9 }],
    describe: "hand",
  };
  const cal = withAgeMaps(platt, samples, lives) as PlanCalibration;
  const keep = risk.map((_, i) => head[i] !== "c" && !Number.isNaN(age[i]));
  const lc = risk.filter((_, i) => keep[i]).map(logit);
  const lh = age
    .map((x, i) => (keep[i] ? ageLogHazard(lives[head[i]], x)(168) : Number.NaN))
    .filter((_, i) => keep[i]);
  const y = failed.filter((_, i) => keep[i]);
  const fit = fitLogisticPlatt([lc, lh], y, true);
  const m = cal.anchors[0].age;
  assert.ok(m);
  assert.equal(m.samples, y.length);
  assert.ok(
    Math.abs(m.a - fit.w[0]) < 1e-12 && Math.abs(m.c - fit.w[1]) < 1e-12 && Math.abs(m.b - fit.b) < 1e-12,
  );
  assert.ok(m.c > 0, "older parts failed more here");
  // A part-morning a replacement cut short (its window, plan-calibration-samples.ts) gets ln H over
  // the hours it covers, not the anchor's.
  const window = risk.map((_, i) => (i % 5 === 0 ? 48 : 168));
  const cut = withAgeMaps(platt, [{ ...samples[0], window }], lives) as PlanCalibration;
  const lhCut = age
    .map((x, i) => (keep[i] ? ageLogHazard(lives[head[i]], x)(window[i]) : Number.NaN))
    .filter((_, i) => keep[i]);
  const fitCut = fitLogisticPlatt([lc, lhCut], y, true);
  const mc = cut.anchors[0].age!;
  assert.ok(Math.abs(mc.c - fitCut.w[1]) < 1e-12 && Math.abs(mc.b - fitCut.b) < 1e-12);
  assert.ok(Math.abs(mc.c - m.c) > 1e-6, "the cut windows change the fit");
  assert.deepEqual(cal.weibull, lives);
  // The stacked map: with ln H, a worn part maps higher than a new one at the same forecast.
  const worn = calibrateCumulative(cal, 168, 0.05, ageLogHazard(lives.a, 2800)(168));
  const fresh = calibrateCumulative(cal, 168, 0.05, ageLogHazard(lives.a, 10)(168));
  assert.ok(worn > fresh);
  // ln H is held within the fitted range: a part far older than any seen maps as the oldest seen.
  assert.equal(m.hi, Math.max(...lh));
  assert.equal(m.lo, Math.min(...lh));
  assert.equal(calibrateCumulative(cal, 168, 0.05, m.hi + 5), calibrateCumulative(cal, 168, 0.05, m.hi));
  assert.ok(calibrateCumulative(cal, 168, 0.05, m.hi - 1) < calibrateCumulative(cal, 168, 0.05, m.hi));
  // Without ln H (an unknown age) it is the Platt map.
  assert.equal(calibrateCumulative(cal, 168, 0.05), 1 / (1 + Math.exp(-(0.3 * logit(0.05) - 2))));
  // Read back from model.json as written; a model from before the age map still loads.
  const bad = badModelFile("m.json");
  assert.deepEqual(planCalibrationFromJSON(JSON.parse(JSON.stringify(cal)), bad), cal);
  assert.deepEqual(planCalibrationFromJSON(JSON.parse(JSON.stringify(platt)), bad), platt);
  // Too few failures among the aged part-mornings: no age map, the Platt one unchanged.
  const few = [{ ...samples[0], failed: failed.map((f, i) => (i < 12 ? f : 0)) }];
  assert.equal(withAgeMaps(platt, few, lives), platt);
});
