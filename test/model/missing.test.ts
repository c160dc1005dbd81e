// Missing readings: the trees learn where NaN goes (scikit-learn's HistGradientBoosting, LightGBM),
// the partition routes NaN rows as predict does, and splits that saw no NaN follow the
// more-samples rule.
import assert from "node:assert/strict";
import { test } from "node:test";
import { goesLeft, predictProba } from "../../src/model/predict.js";
import { trainBooster } from "../../src/model/train.js";
import type { Booster, Tree } from "../../src/model/types.js";
import { auc, type Dataset, missingData, names, xorData } from "./helpers.js";

const PARAMS = { nEstimators: 30, earlyStoppingRounds: 0 };

function fit(d: Dataset, params: object = PARAMS): Booster {
  return trainBooster(d, { featureNames: names(d.nCols), params });
}

function meanOver(p: Float64Array, d: Dataset, pick: (i: number) => boolean): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < d.nRows; i++) {
    if (!pick(i)) continue;
    s += p[i];
    n++;
  }
  return s / n;
}

/** The same booster with every split sending NaN right: today's behaviour before this change. */
function nanRight(b: Booster): Booster {
  return { ...b, trees: b.trees.map((t) => ({ ...t, missingLeft: new Uint8Array(t.left.length) })) };
}

for (const meaning of ["high", "low"] as const) {
  test(`NaN meaning ${meaning} risk: NaN rows go to the ${meaning}-risk side`, () => {
    const b = fit(missingData(4000, 1, meaning));
    const test_ = missingData(3000, 2, meaning);
    const p = predictProba(b, test_.X, test_.nRows);
    const nan = (i: number) => Number.isNaN(test_.X[i * 3]);
    const pNaN = meanOver(p, test_, nan);
    if (meaning === "high") assert.ok(pNaN > 0.8, `mean p on NaN rows ${pNaN}`);
    else assert.ok(pNaN < 0.2, `mean p on NaN rows ${pNaN}`);
    assert.ok(auc(p, test_.y) > 0.85, `AUC ${auc(p, test_.y)}`);
    // The first split separates f0's low side from its high side; NaN joins the side it resembles.
    const root = b.trees[0];
    assert.equal(root.feature[0], 0);
    assert.equal(root.missingLeft[0], meaning === "low" ? 1 : 0);
    if (meaning === "low") {
      // Sending NaN right, as before, would score NaN rows as failures.
      const old = predictProba(nanRight(b), test_.X, test_.nRows);
      assert.ok(meanOver(old, test_, nan) > 0.5, "NaN right should mislead here");
    }
  });
}

test("predictions on NaN rows differ between the two meanings", () => {
  const hi = fit(missingData(4000, 1, "high"));
  const lo = fit(missingData(4000, 1, "low"));
  const x = Float64Array.of(Number.NaN, 0.3, -0.2);
  const [ph] = predictProba(hi, x, 1);
  const [pl] = predictProba(lo, x, 1);
  assert.ok(ph > 0.7 && pl < 0.3, `high ${ph}, low ${pl}`);
});

test("missingness alone: a split on NaN, every real value left, NaN right", () => {
  // f0's values are noise; only whether it is missing matters.
  const d = missingData(3000, 5, "high");
  for (let i = 0; i < d.nRows; i++) {
    if (!Number.isNaN(d.X[i * 3])) d.y[i] = d.y[i] & (i % 10 === 0 ? 1 : 0);
  }
  const b = fit(d, { nEstimators: 3, earlyStoppingRounds: 0 });
  const root = b.trees[0];
  assert.equal(root.feature[0], 0);
  assert.equal(root.threshold[0], Number.MAX_VALUE);
  assert.equal(root.missingLeft[0], 0);
  const p = predictProba(b, Float64Array.of(Number.NaN, 0, 0, 1e300, 0, 0, -1e300, 0, 0), 3);
  assert.ok(p[0] > p[1] && p[0] > p[2], `p ${Array.from(p)}`);
});

/** Rows reaching each node when the training rows are walked with predict's routing. */
function rowsPerNode(t: Tree, d: Dataset): Float64Array {
  const c = new Float64Array(t.left.length);
  for (let i = 0; i < d.nRows; i++) {
    let n = 0;
    c[n]++;
    while (t.left[n] >= 0) {
      n = goesLeft(t, n, d.X[i * d.nCols + t.feature[n]]) ? t.left[n] : t.right[n];
      c[n]++;
    }
  }
  return c;
}

test("the trainer's partition routes NaN rows exactly as predict does (covers = rows walked)", () => {
  // NaN in every feature, meaningful in f0 and noise in the others, so both directions occur.
  const d = missingData(3000, 9, "low", 0.25, 0.2);
  const b = fit(d, { nEstimators: 20, earlyStoppingRounds: 0, minSamplesLeaf: 5, maxLeaves: 16 });
  let left = 0;
  let right = 0;
  for (const t of b.trees) {
    assert.deepEqual(Array.from(rowsPerNode(t, d)), Array.from(t.cover));
    for (let n = 0; n < t.left.length; n++) {
      if (t.left[n] < 0) assert.equal(t.missingLeft[n], 0);
      else if (t.missingLeft[n]) left++;
      else right++;
    }
  }
  assert.ok(left > 0 && right > 0, `missing left ${left}, right ${right}`);
});

test("splits that saw no NaN send it to the child with more samples (scikit-learn's rule)", () => {
  const d = xorData(2000, 3);
  const b = fit(d, { nEstimators: 20, earlyStoppingRounds: 0 });
  const both = [0, 0];
  for (const t of b.trees) {
    for (let n = 0; n < t.left.length; n++) {
      if (t.left[n] < 0) continue;
      // positiveWeight 1: covers are row counts.
      const more = t.cover[t.left[n]] > t.cover[t.right[n]] ? 1 : 0;
      assert.equal(t.missingLeft[n], more, `node ${n}`);
      both[more]++;
    }
  }
  assert.ok(both[0] > 0 && both[1] > 0, `left/right ${both}`);
});
