import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng } from "../../src/core/rng.js";
import { goesLeft, predictMargin } from "../../src/model/predict.js";
import { treeShap } from "../../src/model/shap.js";
import { trainBooster } from "../../src/model/train.js";
import type { Booster, Tree } from "../../src/model/types.js";
import { missingData, names, xorData } from "./helpers.js";

/** E[tree(x) | x_S], path-dependent: off-coalition splits average the branches by cover. */
function condExpect(t: Tree, x: ArrayLike<number>, inS: boolean[], node = 0): number {
  if (t.left[node] < 0) return t.value[node];
  const l = t.left[node];
  const r = t.right[node];
  const f = t.feature[node];
  if (inS[f]) return condExpect(t, x, inS, goesLeft(t, node, x[f]) ? l : r);
  const c = t.cover[node];
  return (t.cover[l] / c) * condExpect(t, x, inS, l) + (t.cover[r] / c) * condExpect(t, x, inS, r);
}

/** Exact Shapley values by enumerating every coalition (2^M of them). */
function bruteShap(b: Booster, x: ArrayLike<number>): Float64Array {
  const M = b.nFeatures;
  const fact = [1];
  for (let i = 1; i <= M; i++) fact.push(fact[i - 1] * i);
  const v = (mask: number): number => {
    const inS = Array.from({ length: M }, (_, f) => (mask & (1 << f)) !== 0);
    let s = b.baseScore;
    for (const t of b.trees) s += condExpect(t, x, inS);
    return s;
  };
  const phi = new Float64Array(M);
  for (let mask = 0; mask < 1 << M; mask++) {
    const size = popcount(mask);
    for (let f = 0; f < M; f++) {
      if (mask & (1 << f)) continue;
      const w = (fact[size] * fact[M - size - 1]) / fact[M];
      phi[f] += w * (v(mask | (1 << f)) - v(mask));
    }
  }
  return phi;
}

function popcount(m: number): number {
  let c = 0;
  for (; m; m &= m - 1) c++;
  return c;
}

test("contributions sum to the margin on random rows of a trained model (1e-9)", () => {
  const data = xorData(3000, 11, 6);
  const b = trainBooster(data, {
    featureNames: names(6),
    params: { nEstimators: 60, earlyStoppingRounds: 0 },
  });
  const rng = createRng(5);
  const rows = xorData(50, 12, 6);
  const margins = predictMargin(b, rows.X, rows.nRows);
  for (let i = 0; i < rows.nRows; i++) {
    const x = rows.X.subarray(i * 6, i * 6 + 6);
    if (i % 10 === 0) x[rng.int(6)] = rng.normal() * 5; // some rows far outside the training range
    const m = predictMargin(b, x, 1)[0];
    if (i % 10 !== 0) assert.equal(m, margins[i]);
    const { expectedValue, contributions } = treeShap(b, x);
    const sum = contributions.reduce((s, v) => s + v, expectedValue);
    assert.ok(Math.abs(sum - m) <= 1e-9, `row ${i}: ${sum} vs ${m}`);
  }
});

test("equals brute-force Shapley values on small trees, repeated features on a path (1e-9)", () => {
  // Few features and deep trees: the same feature is split on twice along a path.
  const data = xorData(600, 21, 4, 0.1);
  const b = trainBooster(data, {
    featureNames: names(4),
    params: {
      nEstimators: 4,
      maxDepth: 5,
      maxLeaves: 12,
      minSamplesLeaf: 5,
      learningRate: 0.3,
      earlyStoppingRounds: 0,
    },
  });
  let repeated = false;
  for (const t of b.trees) {
    const walk = (n: number, seen: Set<number>): void => {
      if (t.left[n] < 0) return;
      if (seen.has(t.feature[n])) repeated = true;
      const s2 = new Set(seen).add(t.feature[n]);
      walk(t.left[n], s2);
      walk(t.right[n], s2);
    };
    walk(0, new Set());
  }
  assert.ok(repeated, "the test needs a path that splits twice on one feature");
  const rows = xorData(40, 22, 4);
  for (let i = 0; i < rows.nRows; i++) {
    const x = rows.X.subarray(i * 4, i * 4 + 4);
    const got = treeShap(b, x).contributions;
    const want = bruteShap(b, x);
    for (let f = 0; f < 4; f++)
      assert.ok(Math.abs(got[f] - want[f]) <= 1e-9, `row ${i} f${f}: ${got[f]} vs ${want[f]}`);
  }
});

test("expected value of a stump is the cover-weighted mean of its leaves", () => {
  const t: Tree = {
    feature: Int32Array.of(0, -1, -1),
    threshold: Float64Array.of(0.5, 0, 0),
    missingLeft: new Uint8Array(3),
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    value: Float64Array.of(0, -1, 3),
    cover: Float64Array.of(4, 3, 1),
  };
  const b = {
    nFeatures: 2,
    featureNames: ["a", "b"],
    baseScore: 0.5,
    trees: [t],
    params: {} as Booster["params"],
    bestIteration: 1,
  };
  const r = treeShap(b, [1, 0]);
  assert.equal(r.expectedValue, 0.5 + (3 * -1 + 1 * 3) / 4);
  assert.equal(r.contributions[0], 3 - 0);
  assert.equal(r.contributions[1], 0);
});

test("NaN rows: additive and equal to brute-force Shapley values, NaN's hot child the missing side", () => {
  // NaN in every feature, meaningful in f0: splits send NaN left and right, and deep small trees
  // meet a feature twice on a path.
  const data = missingData(800, 31, "low", 0.3, 0.2);
  const b = trainBooster(data, {
    featureNames: names(3),
    params: { nEstimators: 6, maxDepth: 5, maxLeaves: 12, minSamplesLeaf: 5, learningRate: 0.3 },
  });
  let nanLeft = 0;
  for (const t of b.trees) for (const v of t.missingLeft) nanLeft += v;
  assert.ok(nanLeft > 0, "the test needs splits that send NaN left");
  const rows = missingData(60, 32, "low", 0.5, 0.4);
  let nanRows = 0;
  for (let i = 0; i < rows.nRows; i++) {
    const x = rows.X.subarray(i * 3, i * 3 + 3);
    if (x.some(Number.isNaN)) nanRows++;
    const m = predictMargin(b, x, 1)[0];
    const { expectedValue, contributions } = treeShap(b, x);
    const sum = contributions.reduce((s, v) => s + v, expectedValue);
    assert.ok(Math.abs(sum - m) <= 1e-9, `row ${i}: ${sum} vs ${m}`);
    const want = bruteShap(b, x);
    for (let f = 0; f < 3; f++)
      assert.ok(
        Math.abs(contributions[f] - want[f]) <= 1e-9,
        `row ${i} f${f}: ${contributions[f]} vs ${want[f]}`,
      );
  }
  assert.ok(nanRows > 30, `${nanRows} rows with NaN`);
});

test("a stump that sends NaN left credits a NaN reading with the left leaf", () => {
  const t: Tree = {
    feature: Int32Array.of(0, -1, -1),
    threshold: Float64Array.of(0.5, 0, 0),
    missingLeft: Uint8Array.of(1, 0, 0),
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    value: Float64Array.of(0, -1, 3),
    cover: Float64Array.of(4, 3, 1),
  };
  const b = {
    nFeatures: 1,
    featureNames: ["a"],
    baseScore: 0,
    trees: [t],
    params: {} as Booster["params"],
    bestIteration: 1,
  };
  const r = treeShap(b, [Number.NaN]);
  assert.equal(r.expectedValue + r.contributions[0], -1);
  assert.equal(predictMargin(b, Float64Array.of(Number.NaN), 1)[0], -1);
});
