// The generated-code predictor must agree with the reference walk bit for bit (tolerance 0): on
// random trained models, on rows whose values sit exactly on, just below and just above thresholds,
// and on NaN, ±Infinity and -0.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRng, type Rng } from "../../src/core/rng.js";
import { compileEnsemble, numberLiteral } from "../../src/model/compile-trees.js";
import { predictMargin, predictRowMargin } from "../../src/model/predict.js";
import { DEFAULT_PARAMS, trainBooster } from "../../src/model/train.js";
import type { Booster, Tree } from "../../src/model/types.js";
import { missingData, names, xorData } from "./helpers.js";

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** The adjacent double towards +Infinity (dir 1) or -Infinity (dir -1); finite, non-zero v only. */
function nextDouble(v: number, dir: 1 | -1): number {
  bits[0] = v;
  const lo = words[0];
  const hi = words[1];
  const away = v > 0 === dir > 0;
  if (away) {
    words[0] = (lo + 1) >>> 0;
    if (words[0] === 0) words[1] = hi + 1;
  } else {
    words[0] = (lo - 1) >>> 0;
    if (lo === 0) words[1] = hi - 1;
  }
  return bits[0];
}

function thresholdsOf(b: Booster): number[] {
  const ts: number[] = [];
  for (const t of b.trees)
    for (let n = 0; n < t.left.length; n++) if (t.left[n] >= 0) ts.push(t.threshold[n]);
  return ts;
}

/** Rows mixing random normals, exact thresholds, their neighbours, and special values. */
function edgeRows(b: Booster, nRows: number, rng: Rng): Float64Array {
  const ts = thresholdsOf(b);
  const X = new Float64Array(nRows * b.nFeatures);
  const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0];
  for (let k = 0; k < X.length; k++) {
    const u = rng.next();
    const t = ts.length > 0 ? ts[rng.int(ts.length)] : 0;
    if (u < 0.35) X[k] = rng.normal() * 2;
    else if (u < 0.7) X[k] = t;
    else if (u < 0.9) X[k] = t === 0 ? 0 : nextDouble(t, rng.next() < 0.5 ? 1 : -1);
    else X[k] = special[rng.int(special.length)];
  }
  return X;
}

function runKernels(b: Booster, X: Float64Array, nRows: number): Float64Array {
  const ks = compileEnsemble(b);
  assert.ok(ks, "booster should compile");
  const res = new Float64Array(nRows).fill(b.baseScore);
  for (const k of ks) k(X, b.nFeatures, 0, nRows, res);
  return res;
}

function assertExact(b: Booster, X: Float64Array, nRows: number, got: Float64Array, what: string): void {
  const nc = b.nFeatures;
  for (let i = 0; i < nRows; i++) {
    const want = predictRowMargin(b, X.subarray(i * nc, (i + 1) * nc));
    if (!Object.is(got[i], want)) assert.fail(`${what}: row ${i} gives ${got[i]}, reference ${want}`);
  }
}

test("numberLiteral round-trips every double exactly, special values included", () => {
  const evalLit = (v: number) => new Function(`return ${numberLiteral(v)};`)() as number;
  const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, -5e-324];
  for (const v of [...specials, Number.MAX_VALUE, -Number.MIN_VALUE, 0.1 + 0.2, 1e21, -1e-7, 2 ** 53 + 2]) {
    assert.ok(Object.is(evalLit(v), v), `literal ${numberLiteral(v)} for ${v}`);
  }
  const rng = createRng(5);
  for (let k = 0; k < 2000; k++) {
    words[0] = Math.floor(rng.next() * 2 ** 32);
    words[1] = Math.floor(rng.next() * 2 ** 32);
    const v = bits[0];
    if (!Number.isNaN(v)) assert.ok(Object.is(evalLit(v), v), `literal ${numberLiteral(v)}`);
  }
});

test("compiled kernels equal the reference walk on random trained models and edge rows", () => {
  const rng = createRng(2026);
  for (let m = 0; m < 6; m++) {
    const nCols = 3 + rng.int(5);
    const data = xorData(500, 100 + m, nCols);
    const b = trainBooster(data, {
      featureNames: names(nCols),
      params: {
        nEstimators: 10 + rng.int(40),
        maxDepth: 2 + rng.int(7),
        maxLeaves: 4 + rng.int(60),
        minSamplesLeaf: 1 + rng.int(10),
        learningRate: 0.05 + rng.next() * 0.4,
        maxBins: 16 + rng.int(240),
      },
    });
    const X = edgeRows(b, 700, rng);
    assertExact(b, X, 700, runKernels(b, X, 700), `model ${m} kernels`);
    assertExact(b, data.X, data.nRows, runKernels(b, data.X, data.nRows), `model ${m} training rows`);
  }
});

test("predictMargin is exact before and after it switches a booster to generated code", () => {
  const data = xorData(400, 9);
  const b = trainBooster(data, { featureNames: names(5), params: { nEstimators: 40 } });
  const rng = createRng(77);
  const small = edgeRows(b, 50, rng);
  assertExact(b, small, 50, predictMargin(b, small, 50), "first small batch (array walk)");
  const big = edgeRows(b, 5000, rng);
  assertExact(b, big, 5000, predictMargin(b, big, 5000), "large batch (generated code)");
  assertExact(b, small, 50, predictMargin(b, small, 50), "small batch after the switch");
  // Output written into a caller's buffer, from a longer X than nRows needs.
  const out = new Float64Array(7).fill(123);
  assert.equal(predictMargin(b, big, 7, out), out);
  assertExact(b, big, 7, out, "given output buffer");
});

// A tree whose thresholds are the awkward doubles: ±Infinity, -0, the smallest subnormal, 0.1 + 0.2,
// NaN (every row goes right) and a large exponent.
function splitChain(thresholds: number[], nFeatures: number): Tree {
  // Node 2k is a split on feature k % nFeatures whose left child is leaf 2k + 1 and right child 2k + 2.
  const n = 2 * thresholds.length + 1;
  const t: Tree = {
    feature: new Int32Array(n).fill(-1),
    threshold: new Float64Array(n),
    // Every third split sends NaN left, so both routings are compiled.
    missingLeft: new Uint8Array(n),
    left: new Int32Array(n).fill(-1),
    right: new Int32Array(n).fill(-1),
    value: new Float64Array(n),
    cover: new Float64Array(n).fill(1),
  };
  thresholds.forEach((th, k) => {
    t.feature[2 * k] = k % nFeatures;
    t.threshold[2 * k] = th;
    t.missingLeft[2 * k] = k % 3 === 1 ? 1 : 0;
    t.left[2 * k] = 2 * k + 1;
    t.right[2 * k] = 2 * k + 2;
    t.value[2 * k + 1] = (k + 1) * 0.1 - 1 / 3;
  });
  t.value[n - 1] = -0;
  return t;
}

test("awkward thresholds and leaf values compile exactly", () => {
  const ths = [
    Number.POSITIVE_INFINITY,
    -0,
    5e-324,
    0.1 + 0.2,
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    1e300,
    -7.5,
  ];
  const b: Booster = {
    nFeatures: 3,
    featureNames: names(3),
    baseScore: -0,
    trees: [splitChain(ths, 3), splitChain([...ths].reverse(), 3)],
    params: DEFAULT_PARAMS,
    bestIteration: 2,
  };
  const vals = [
    ...ths,
    0,
    2 * Number.MIN_VALUE,
    -Number.MIN_VALUE,
    0.30000000000000004,
    0.3,
    Number.MAX_VALUE,
  ];
  const X = new Float64Array(3 * vals.length ** 3);
  let k = 0;
  for (const a of vals) for (const c of vals) for (const d of vals) X.set([a, c, d], 3 * k++);
  assertExact(b, X, k, runKernels(b, X, k), "awkward values");
});

test("a tree too deep to generate keeps the exact array walk", () => {
  const deep = splitChain(
    Array.from({ length: 80 }, (_, k) => k / 10),
    2,
  );
  const b: Booster = {
    nFeatures: 2,
    featureNames: names(2),
    baseScore: 0.5,
    trees: [deep],
    params: DEFAULT_PARAMS,
    bestIteration: 1,
  };
  assert.equal(compileEnsemble(b), null);
  const X = edgeRows(b, 5000, createRng(3));
  assertExact(b, X, 5000, predictMargin(b, X, 5000), "deep tree");
});

test("many trees are split over several kernels, applied in tree order", () => {
  const data = xorData(1500, 4);
  const b = trainBooster(data, {
    featureNames: names(5),
    params: { nEstimators: 60, maxLeaves: 63, maxDepth: 8, minSamplesLeaf: 1, earlyStoppingRounds: 0 },
  });
  const ks = compileEnsemble(b);
  assert.ok(ks && ks.length >= 2, `expected several kernels, got ${ks?.length}`);
  const X = edgeRows(b, 2000, createRng(8));
  assertExact(b, X, 2000, runKernels(b, X, 2000), "grouped kernels");
});

test("models trained on NaN compile exactly: NaN routed left and right as predictTree routes it", () => {
  const rng = createRng(14);
  let nanLeft = 0;
  for (let m = 0; m < 4; m++) {
    const data = missingData(1500, 200 + m, m % 2 === 0 ? "low" : "high", 0.2 + 0.1 * m, 0.15);
    const b = trainBooster(data, {
      featureNames: names(3),
      params: { nEstimators: 25, maxLeaves: 8 + rng.int(24), minSamplesLeaf: 1 + rng.int(10) },
    });
    for (const t of b.trees) for (const v of t.missingLeft) nanLeft += v;
    const X = edgeRows(b, 3000, rng);
    assertExact(b, X, 3000, runKernels(b, X, 3000), `NaN model ${m} kernels`);
    assertExact(b, data.X, data.nRows, runKernels(b, data.X, data.nRows), `NaN model ${m} training rows`);
    // predictMargin: the array walk first, then the generated code once enough rows were seen.
    const small = edgeRows(b, 60, rng);
    assertExact(b, small, 60, predictMargin(b, small, 60), `NaN model ${m} array walk`);
    assertExact(b, X, 3000, predictMargin(b, X, 3000), `NaN model ${m} after the switch`);
    assertExact(b, small, 60, predictMargin(b, small, 60), `NaN model ${m} small batch, generated code`);
  }
  assert.ok(nanLeft > 0, "the models should send NaN left somewhere");
});
