import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  ks2samp,
  ks2sampSorted,
  type KsMethod,
  ksStatisticSorted,
  outerProbInside,
  probOutsideSquare,
} from "../../../src/monitor/stats/index.js";
import { genNumeric, type NumericSpec, num } from "./gen.js";

interface KsCase {
  name: string;
  reference: NumericSpec;
  current: NumericSpec;
  method: KsMethod;
  statistic: number;
  pvalue: number | string;
}
const fx = JSON.parse(readFileSync("test/fixtures/drift/cases.json", "utf8")) as { ks: KsCase[] };

// The tolerance, plus a relative check so tiny p-values are right beyond their zeros.
const ABS = 1e-6;
const REL = 1e-6;

for (const c of fx.ks) {
  test(`ks_2samp ${c.name} (${c.method}) matches scipy`, () => {
    const a = genNumeric(c.reference);
    const b = genNumeric(c.current);
    const got = ks2samp(a, b, c.method);
    const want = num(c.pvalue);
    assert.ok(Math.abs(got.statistic - c.statistic) <= 1e-12, `D ${got.statistic} vs ${c.statistic}`);
    assert.ok(Math.abs(got.pValue - want) <= ABS, `p ${got.pValue} vs ${want}`);
    assert.ok(
      Math.abs(got.pValue - want) <= Math.max(REL * want, 1e-300),
      `p ${got.pValue} vs ${want} (relative)`,
    );
    const expectedMethod =
      c.method === "auto" ? (Math.max(a.length, b.length) <= 10_000 ? "exact" : "asymp") : c.method;
    assert.equal(got.method, expectedMethod);
  });
}

test("KS is symmetric in its samples and sorting once is enough", () => {
  const a = genNumeric({ seed: 91, n: 130, loc: 0, scale: 1, decimals: 1 });
  const b = genNumeric({ seed: 92, n: 70, loc: 0.2, scale: 1, decimals: 1 });
  const ab = ks2samp(a, b);
  const ba = ks2samp(b, a);
  assert.equal(ab.statistic, ba.statistic);
  assert.ok(Math.abs(ab.pValue - ba.pValue) < 1e-12);
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  assert.deepEqual(ks2sampSorted(sa, sb), ab);
});

test("KS statistic with ties counts equal values on both sides together", () => {
  // ECDFs at 1: 2/3 vs 1/3; at 2: 1 vs 2/3 → D = 1/3 (evaluating between tied points would give 2/3).
  const d = ksStatisticSorted(Float64Array.of(1, 1, 2), Float64Array.of(1, 2, 3));
  assert.ok(Math.abs(d - 1 / 3) < 1e-15);
  assert.equal(ksStatisticSorted(Float64Array.of(5, 5), Float64Array.of(5, 5, 5)), 0);
});

test("exact lattice probabilities: D = 0 has p = 1, full separation is the smallest p", () => {
  assert.equal(ks2samp([1, 2, 3], [1, 2, 3]).pValue, 1);
  // Disjoint samples of 5 and 5: p = 2 / C(10, 5).
  assert.ok(Math.abs(probOutsideSquare(5, 5) - 2 / 252) < 1e-15);
  // Disjoint 3 vs 4: 2 / C(7, 3).
  assert.ok(Math.abs(outerProbInside(3, 4, 1, 12) - 2 / 35) < 1e-15);
});

test("empty samples are refused with a named error", () => {
  assert.throws(() => ks2samp([], [1]), { code: "MW_BAD_INPUT" });
  assert.throws(() => ks2samp([Number.NaN], [1]), { code: "MW_BAD_INPUT" });
});
