import assert from "node:assert/strict";
import { test } from "node:test";
import { predictMargin, predictProba, predictRowMargin, sigmoid } from "../../src/model/predict.js";
import type { Booster, Tree } from "../../src/model/types.js";
import { DEFAULT_PARAMS } from "../../src/model/train.js";

// A hand-built tree whose children are neither adjacent nor in breadth-first order, to check that
// the compiled layout (right = left + 1) is a faithful renumbering.
//        0: x0 <= 1
//       /          \
//   3: leaf -1    1: x1 <= 0
//                 /        \
//             4: leaf 2   2: leaf 5
const tree: Tree = {
  feature: Int32Array.of(0, 1, -1, -1, -1),
  threshold: Float64Array.of(1, 0, 0, 0, 0),
  missingLeft: new Uint8Array(5),
  left: Int32Array.of(3, 4, -1, -1, -1),
  right: Int32Array.of(1, 2, -1, -1, -1),
  value: Float64Array.of(0, 0, 5, -1, 2),
  cover: Float64Array.of(10, 6, 3, 4, 3),
};
const booster: Booster = {
  nFeatures: 2,
  featureNames: ["a", "b"],
  baseScore: 0.25,
  trees: [tree, tree],
  params: DEFAULT_PARAMS,
  bestIteration: 2,
};

test("hand-built tree: thresholds are inclusive on the left, NaN goes right", () => {
  const X = Float64Array.of(1, 7, 1.5, 0, 1.5, 0.1, Number.NaN, 0, 2, Number.NaN);
  const m = predictMargin(booster, X, 5);
  assert.deepEqual(Array.from(m), [0.25 - 2, 0.25 + 4, 0.25 + 10, 0.25 + 4, 0.25 + 10]);
  for (let i = 0; i < 5; i++) assert.equal(m[i], predictRowMargin(booster, X.subarray(2 * i, 2 * i + 2)));
});

test("predictProba writes into a given buffer and applies the sigmoid", () => {
  const X = Float64Array.of(0, 0, 5, -5);
  const out = new Float64Array(2);
  const p = predictProba(booster, X, 2, out);
  assert.equal(p, out);
  assert.equal(p[0], sigmoid(0.25 - 2));
  assert.equal(p[1], sigmoid(0.25 + 4));
});

test("sigmoid is stable at the extremes", () => {
  assert.equal(sigmoid(0), 0.5);
  assert.equal(sigmoid(1000), 1);
  assert.equal(sigmoid(-1000), 0);
  assert.ok(Math.abs(sigmoid(-745) - Math.exp(-745)) < 1e-320);
  assert.ok(Math.abs(sigmoid(2) + sigmoid(-2) - 1) < 1e-15);
});

test("too few values for nRows is a clear error", () => {
  assert.throws(() => predictMargin(booster, new Float64Array(3), 2), { code: "MW_BAD_INPUT" });
});

test("a booster with no trees predicts its base score", () => {
  const empty = { ...booster, trees: [], bestIteration: 0 };
  assert.deepEqual(Array.from(predictMargin(empty, new Float64Array(4), 2)), [0.25, 0.25]);
});
