import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { createRng, type Rng } from "../../src/core/rng.js";
import { estimateCbpe, estimateRocAuc, evaluateBinary } from "../../src/evaluate/index.js";

test("expected confusion matrix by hand", () => {
  // t = 0.5: rows 0.9 and 0.6 are alarms, 0.2 and 0.1 are not.
  const e = estimateCbpe([0.9, 0.6, 0.2, 0.1], 0.5);
  const near = (a: number | null, b: number) =>
    assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  near(e.expected_confusion.tp, 1.5);
  near(e.expected_confusion.fp, 0.5);
  near(e.expected_confusion.fn, 0.3);
  near(e.expected_confusion.tn, 1.7);
  near(e.expected_positives, 1.8);
  near(e.precision, 1.5 / 2);
  near(e.recall, 1.5 / 1.8);
  near(e.f1, 1.5 / (1.5 + 0.5 * (0.5 + 0.3)));
  near(e.accuracy, (1.5 + 1.7) / 4);
  assert.equal(e.n, 4);
});

test("no alarms: estimated precision is null, not NaN", () => {
  const e = estimateCbpe([0.1, 0.2], 0.9);
  assert.equal(e.precision, null);
  assert.ok(e.recall !== null && e.recall === 0);
  assert.equal(estimateCbpe([], 0.5).accuracy, null);
});

test("estimated ROC-AUC matches NannyML's estimate_roc_auc (transcribed in make_evaluate.py)", () => {
  const fixture = JSON.parse(readFileSync("test/fixtures/evaluate/sklearn.json", "utf8")) as {
    cases: { name: string; score: number[]; cbpe_roc_auc: number }[];
  };
  for (const c of fixture.cases) {
    const got = estimateRocAuc(c.score, c.score);
    assert.ok(
      got !== null && Math.abs(got - c.cbpe_roc_auc) <= 1e-9,
      `${c.name}: ${got} vs ${c.cbpe_roc_auc}`,
    );
  }
});

/**
 * Calibrated by construction: each row's probability is drawn first, then its label from Bernoulli(p).
 * A confident model like the AI4I one: ~6 % of rows look like failures (margin around 3.5), the rest
 * healthy (around −6); about 6 % positives overall.
 */
function window(rng: Rng, n: number, labelOf: (p: number) => number): { p: Float64Array; y: Uint8Array } {
  const p = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const margin = (rng.next() < 0.06 ? 3.5 : -6) + 1.5 * rng.normal();
    p[i] = 1 / (1 + Math.exp(-margin));
    y[i] = rng.next() < labelOf(p[i]) ? 1 : 0;
  }
  return { p, y };
}

test("without concept drift, estimated F1 tracks realised F1 within ±0.05 on 2,000-row windows", () => {
  const rng = createRng(20260127);
  const threshold = 0.5;
  const deviations: number[] = [];
  for (let w = 0; w < 8; w++) {
    const { p, y } = window(rng, 2000, (q) => q);
    const real = evaluateBinary(y, p, threshold);
    const est = estimateCbpe(p, threshold);
    const rate = real.positives / real.n;
    assert.ok(rate >= 0.03 && rate <= 0.1, `window ${w}: positive rate ${rate}`);
    const d = est.f1! - real.f1;
    assert.ok(Math.abs(d) <= 0.05, `window ${w}: estimated F1 ${est.f1} vs realised ${real.f1}`);
    assert.ok(
      Math.abs(est.roc_auc! - real.roc_auc!) <= 0.03,
      `window ${w}: ROC-AUC ${est.roc_auc} vs ${real.roc_auc}`,
    );
    deviations.push(d);
  }
  // No systematic bias: the mean signed deviation is far smaller than the per-window noise.
  const mean = deviations.reduce((s, d) => s + d, 0) / deviations.length;
  assert.ok(Math.abs(mean) < 0.02, `mean deviation ${mean}`);
});

test("with concept drift (labels no longer follow p), CBPE cannot see it: the test above has teeth", () => {
  const rng = createRng(5);
  // Failures now happen at half the predicted rate: the model is over-confident, realised F1 drops.
  const { p, y } = window(rng, 2000, (q) => 0.5 * q);
  const real = evaluateBinary(y, p, 0.5);
  const est = estimateCbpe(p, 0.5);
  assert.ok(est.f1! - real.f1 > 0.05, `estimated ${est.f1} vs realised ${real.f1}`);
});
