import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  binnedShares,
  histogramBinEdges,
  histogramSorted,
  jensenShannon,
  psiShares,
  runStatTest,
  type Sample,
  wassersteinNormedSorted,
  wassersteinSorted,
} from "../../../src/monitor/stats/index.js";
import { genNumeric, type NumericSpec } from "./gen.js";

interface NumCase {
  name: string;
  reference: NumericSpec;
  current: NumericSpec;
  wasserstein: number;
  wasserstein_normed: number;
  psi: number;
  jensenshannon: number;
}
const fx = JSON.parse(readFileSync("test/fixtures/drift/cases.json", "utf8")) as { numeric: NumCase[] };

/** 1e-6 absolute, or relative for values above 1 (PSI can be 14). */
function near(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)),
    `${what}: got ${actual}, expected ${expected}`,
  );
}

const sample = (a: Float64Array): Sample => ({ kind: "numeric", sorted: Float64Array.from(a).sort() });

for (const c of fx.numeric) {
  test(`numeric distances ${c.name} match scipy / Evidently`, () => {
    const r = sample(genNumeric(c.reference));
    const k = sample(genNumeric(c.current));
    if (r.kind !== "numeric" || k.kind !== "numeric") throw new Error("unreachable");
    near(wassersteinSorted(r.sorted, k.sorted), c.wasserstein, "wasserstein_distance");
    near(wassersteinNormedSorted(r.sorted, k.sorted), c.wasserstein_normed, "wasserstein normed");
    near(runStatTest("psi", r, k).score, c.psi, "psi");
    near(runStatTest("jensenshannon", r, k).score, c.jensenshannon, "jensenshannon");
  });
}

test("bin edges follow np.histogram_bin_edges, the last bin is closed", () => {
  const e = histogramBinEdges(0, 3, 3);
  assert.deepEqual(Array.from(e), [0, 1, 2, 3]);
  // Values on an inner edge go right; the maximum stays in the last bin.
  assert.deepEqual(Array.from(histogramSorted(Float64Array.of(0, 1, 1, 2.5, 3, 3), e)), [1, 2, 3]);
  // A constant range widens to ±0.5 as numpy does.
  assert.deepEqual(Array.from(histogramBinEdges(5, 5, 2)), [4.5, 5, 5.5]);
});

test("PSI fills empty shares with 0.0001; Jensen-Shannon uses rel_entr's 0·log 0 = 0", () => {
  const many = (lo: number) => Float64Array.from({ length: 40 }, (_, i) => lo + i).sort();
  const r: Sample = { kind: "numeric", sorted: many(0) };
  const c: Sample = { kind: "numeric", sorted: many(100) };
  const filled = binnedShares(r, c, { fillZeros: true });
  assert.equal(filled.reference.length, 30);
  assert.ok(filled.reference.every((x) => x > 0));
  assert.ok(filled.reference.includes(0.0001));
  const raw = binnedShares(r, c, { fillZeros: false });
  // Disjoint supports: JS distance is √ln 2, its maximum with the natural log.
  assert.ok(Math.abs(jensenShannon(raw.reference, raw.current) - Math.sqrt(Math.LN2)) < 1e-12);
  assert.ok(Math.abs(jensenShannon(raw.reference, raw.current, 2) - 1) < 1e-12);
  assert.equal(psiShares(Float64Array.of(0.5, 0.5), Float64Array.of(0.5, 0.5)), 0);
});

test("numeric columns with at most 20 distinct reference values are shared by value", () => {
  const r: Sample = { kind: "numeric", sorted: Float64Array.of(0, 0, 1, 1, 1, 2) };
  const c: Sample = { kind: "numeric", sorted: Float64Array.of(0, 2, 2, 7) };
  const s = binnedShares(r, c, { fillZeros: false });
  assert.equal(s.edges, null);
  assert.deepEqual(s.keys, [0, 1, 2, 7]);
  assert.deepEqual(Array.from(s.current), [0.25, 0, 0.5, 0.25]);
});

test("normed Wasserstein floors the reference std at 0.001", () => {
  const r = Float64Array.of(1, 1, 1);
  const c = Float64Array.of(1, 1, 2);
  assert.ok(Math.abs(wassersteinNormedSorted(r, c) - 1 / 3 / 0.001) < 1e-9);
  assert.equal(wassersteinSorted(r, r), 0);
});
