import assert from "node:assert/strict";
import { test } from "node:test";
import { MillwrightError } from "../../src/core/errors.js";
import { gainImportance } from "../../src/model/importance.js";
import { predictMargin, predictProba, predictRowMargin } from "../../src/model/predict.js";
import { boosterToJSON } from "../../src/model/serialize.js";
import { DEFAULT_PARAMS, EARLY_STOPPING_REL_TOL, trainBooster } from "../../src/model/train.js";
import { auc, names, xorData } from "./helpers.js";

const train = xorData(4000, 1);
const valid = xorData(1000, 2);
const test_ = xorData(2000, 3);

test("learns an XOR-like rule: test AUC > 0.95, fast path equals the reference walk", () => {
  const b = trainBooster(train, {
    featureNames: names(5),
    valid: { X: valid.X, nRows: valid.nRows, y: valid.y },
  });
  const p = predictProba(b, test_.X, test_.nRows);
  const a = auc(p, test_.y);
  assert.ok(a > 0.95, `AUC ${a}`);
  const m = predictMargin(b, test_.X, test_.nRows);
  for (let i = 0; i < 200; i++) {
    assert.equal(m[i], predictRowMargin(b, test_.X.subarray(i * 5, i * 5 + 5)));
  }
  // The rule uses f0, f1, f2: they carry nearly all the gain.
  const imp = gainImportance(b);
  assert.ok(Math.abs(imp.reduce((s, v) => s + v, 0) - 1) < 1e-12);
  assert.ok(imp[0] + imp[1] + imp[2] > 0.9, `importance ${Array.from(imp)}`);
});

test("trees respect maxDepth, maxLeaves and minSamplesLeaf", () => {
  const params = { nEstimators: 10, maxDepth: 3, maxLeaves: 6, minSamplesLeaf: 50, earlyStoppingRounds: 0 };
  const b = trainBooster(train, { featureNames: names(5), params });
  assert.equal(b.trees.length, 10);
  for (const t of b.trees) {
    const leaves = Array.from(t.left).filter((l) => l < 0).length;
    assert.ok(leaves <= 6, `leaves ${leaves}`);
    const depth = (n: number): number =>
      t.left[n] < 0 ? 0 : 1 + Math.max(depth(t.left[n]), depth(t.right[n]));
    assert.ok(depth(0) <= 3);
    for (let i = 0; i < t.cover.length; i++)
      if (t.left[i] < 0) assert.ok(t.cover[i] >= 50, `leaf cover ${t.cover[i]}`);
    // Covers are sample weights: children add up to their parent.
    for (let i = 0; i < t.cover.length; i++) {
      if (t.left[i] >= 0) assert.ok(Math.abs(t.cover[t.left[i]] + t.cover[t.right[i]] - t.cover[i]) < 1e-9);
    }
  }
});

test("early stopping stops and keeps the best round", () => {
  const losses: (number | null)[] = [];
  // A high learning rate overfits the noisy labels quickly, so validation loss turns up early.
  const b = trainBooster(train, {
    featureNames: names(5),
    params: {
      nEstimators: 300,
      learningRate: 0.5,
      earlyStoppingRounds: 5,
      minSamplesLeaf: 1,
      maxLeaves: 63,
      maxDepth: 0,
    },
    valid: { X: valid.X, nRows: valid.nRows, y: valid.y },
    onRound: (_r, _t, v) => losses.push(v),
  });
  assert.ok(losses.length < 300, `ran ${losses.length} rounds`);
  assert.equal(b.trees.length, b.bestIteration);
  assert.equal(losses.length, b.bestIteration + 5);
  const best = Math.min(...(losses as number[]));
  const kept = losses[b.bestIteration - 1] as number;
  assert.ok(kept <= best * (1 + 2 * EARLY_STOPPING_REL_TOL), `kept ${kept}, best ${best}`);
  // No later round improved on the kept one by the tolerance.
  for (const l of losses.slice(b.bestIteration))
    assert.ok((l as number) >= kept * (1 - EARLY_STOPPING_REL_TOL));
});

test("deterministic: training twice gives the same model file", () => {
  const opts = { featureNames: names(5), valid: { X: valid.X, nRows: valid.nRows, y: valid.y } };
  const a = JSON.stringify(boosterToJSON(trainBooster(train, opts)));
  const b = JSON.stringify(boosterToJSON(trainBooster(train, opts)));
  assert.equal(a, b);
});

test("class weighting changes the base score to the weighted prior's log-odds", () => {
  const params = { nEstimators: 3 };
  const pos = train.y.reduce((s, v) => s + v, 0);
  const neg = train.nRows - pos;
  const plain = trainBooster(train, { featureNames: names(5), params });
  const w3 = trainBooster(train, { featureNames: names(5), params: { ...params, positiveWeight: 3 } });
  const bal = trainBooster(train, {
    featureNames: names(5),
    params: { ...params, positiveWeight: "balanced" },
  });
  assert.ok(Math.abs(plain.baseScore - Math.log(pos / neg)) < 1e-12);
  assert.ok(Math.abs(w3.baseScore - Math.log((3 * pos) / neg)) < 1e-12);
  assert.ok(Math.abs(bal.baseScore) < 1e-12, "balanced weights make the prior 50 %");
  assert.equal(bal.params.positiveWeight, "balanced");
});

test("one class only is a clear MW_TRAINING_DATA error", () => {
  const y = new Uint8Array(train.nRows);
  assert.throws(
    () => trainBooster({ ...train, y }, { featureNames: names(5) }),
    (e: unknown) =>
      e instanceof MillwrightError && e.code === "MW_TRAINING_DATA" && /one class/.test(e.message),
  );
});

test("±Infinity in X is rejected naming the row and feature; NaN (missing) is accepted", () => {
  for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    const X = train.X.slice();
    X[7 * 5 + 3] = bad;
    assert.throws(
      () => trainBooster({ ...train, X }, { featureNames: names(5) }),
      (e: unknown) =>
        e instanceof MillwrightError &&
        e.code === "MW_TRAINING_DATA" &&
        /training set row 7, feature 3: -?Infinity is not a finite number/.test(e.message),
    );
  }
  const vX = valid.X.slice();
  vX[0] = Number.POSITIVE_INFINITY;
  assert.throws(
    () => trainBooster(train, { featureNames: names(5), valid: { ...valid, X: vX } }),
    /validation set row 0/,
  );
  const X = train.X.slice();
  X[7 * 5 + 3] = Number.NaN;
  vX[0] = Number.NaN;
  const b = trainBooster({ ...train, X }, { featureNames: names(5), valid: { ...valid, X: vX } });
  assert.ok(b.trees.length > 0);
});

test("constant features are fine; all-constant features give the prior alone", () => {
  const X = train.X.slice();
  for (let i = 0; i < train.nRows; i++) X[i * 5 + 4] = 42;
  const b = trainBooster({ ...train, X }, { featureNames: names(5), params: { nEstimators: 20 } });
  for (const t of b.trees)
    for (let i = 0; i < t.feature.length; i++) if (t.left[i] >= 0) assert.notEqual(t.feature[i], 4);
  const flat = trainBooster({ ...train, X: new Float64Array(X.length).fill(1) }, { featureNames: names(5) });
  assert.equal(flat.trees.length, 0);
  assert.equal(predictMargin(flat, train.X, 1)[0], flat.baseScore);
});

test("bad parameters and shapes are rejected", () => {
  assert.throws(() => trainBooster(train, { featureNames: names(5), params: { maxBins: 256 } }), {
    code: "MW_CONFIG",
  });
  assert.throws(() => trainBooster(train, { featureNames: names(4) }), { code: "MW_TRAINING_DATA" });
  assert.deepEqual(Object.keys(DEFAULT_PARAMS).length, 10);
});
