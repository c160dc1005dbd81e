import assert from "node:assert/strict";
import { test } from "node:test";
import {
  binLayouts,
  binOf,
  computeBinThresholds,
  missingBin,
  thresholdsFromSorted,
} from "../../src/model/binning.js";

test("few distinct values: one bin each, cut at midpoints", () => {
  const t = thresholdsFromSorted(Float64Array.of(0, 0, 1, 1, 1, 2, 5), 255);
  assert.deepEqual(Array.from(t), [0.5, 1.5, 3.5]);
  assert.equal(binOf(t, 0), 0);
  assert.equal(binOf(t, 1), 1);
  assert.equal(binOf(t, 2), 2);
  assert.equal(binOf(t, 5), 3);
  assert.equal(binOf(t, 99), 3);
});

test("many values: at most maxBins bins, roughly equal counts, no tie straddles a cut", () => {
  const n = 10_000;
  const sorted = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 3) + (i % 7 === 0 ? 0 : 0.25));
  sorted.sort();
  for (const maxBins of [2, 16, 255]) {
    const t = thresholdsFromSorted(sorted, maxBins);
    assert.ok(t.length + 1 <= maxBins, `${t.length + 1} bins for maxBins ${maxBins}`);
    for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1]);
    const counts = new Array(t.length + 1).fill(0);
    for (const v of sorted) counts[binOf(t, v)]++;
    assert.ok(Math.max(...counts) <= (2 * n) / maxBins + 10, `max bin count ${Math.max(...counts)}`);
    for (const c of t) assert.ok(!sorted.includes(c), `threshold ${c} equals a data value`);
  }
});

test("bin b ⇔ value ≤ threshold[b]: binned splits equal raw splits", () => {
  const nRows = 500;
  const nCols = 3;
  const X = Float64Array.from({ length: nRows * nCols }, (_, k) => Math.sin(k * 12.9898) * 100);
  const th = computeBinThresholds(X, nRows, nCols, 32);
  const { cols: col, rows: row } = binLayouts(X, nRows, nCols, th);
  for (let i = 0; i < nRows; i++) {
    for (let f = 0; f < nCols; f++) {
      const b = col[f * nRows + i];
      assert.equal(row[i * nCols + f], b);
      const v = X[i * nCols + f];
      for (let s = 0; s < th[f].length; s++) assert.equal(b <= s, v <= th[f][s]);
    }
  }
});

test("lookup-table binning equals the binary search, skewed data and NaN included", () => {
  const nRows = 20_000;
  const X = Float64Array.from(
    { length: nRows },
    (_, i) => Math.exp(Math.sin(i * 0.7) * 8) * (i % 3 === 0 ? -1 : 1),
  );
  X[5] = Number.NaN;
  const th = computeBinThresholds(X, nRows, 1, 255);
  assert.ok(th[0].length > 200);
  const bins = binLayouts(X, nRows, 1, th).cols;
  for (let i = 0; i < nRows; i++) assert.equal(bins[i], binOf(th[0], X[i]), `row ${i} value ${X[i]}`);
  // NaN has its own bin, one past the real ones.
  assert.equal(bins[5], th[0].length + 1);
});

test("NaN gets the missing bin, after the real bins, and takes no part in the thresholds", () => {
  const nRows = 1000;
  const X = Float64Array.from({ length: nRows }, (_, i) => (i % 4 === 0 ? Number.NaN : i));
  const th = computeBinThresholds(X, nRows, 1, 16);
  assert.ok(th[0].every((t) => Number.isFinite(t)));
  const withoutNaN = computeBinThresholds(
    X.filter((v) => !Number.isNaN(v)),
    750,
    1,
    16,
  );
  assert.deepEqual(th, withoutNaN);
  const bins = binLayouts(X, nRows, 1, th).rows;
  for (let i = 0; i < nRows; i++) assert.equal(bins[i] === missingBin(th[0]), Number.isNaN(X[i]), `row ${i}`);
  // All NaN: no thresholds, one (empty) real bin 0, missing bin 1.
  const allNaN = computeBinThresholds(new Float64Array(10).fill(Number.NaN), 10, 1, 255);
  assert.equal(allNaN[0].length, 0);
  assert.equal(binOf(allNaN[0], Number.NaN), 1);
});

test("capacity: maxBins 255 gives at most 254 thresholds, so the missing bin 255 fits a byte", () => {
  const nRows = 5000;
  const X = Float64Array.from({ length: nRows }, (_, i) => (i % 50 === 0 ? Number.NaN : Math.sin(i) * i));
  const th = computeBinThresholds(X, nRows, 1, 255);
  assert.equal(th[0].length, 254);
  assert.equal(missingBin(th[0]), 255);
  const bins = binLayouts(X, nRows, 1, th).cols;
  assert.equal(bins[0], 255);
  assert.equal(Math.max(...Array.from(bins).filter((_, i) => i % 50 !== 0)), 254);
});
