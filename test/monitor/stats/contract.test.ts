// One contract every registered drift test meets, whatever its kernel.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  countValues,
  getStatTest,
  runStatTest,
  type Sample,
  TEST_NAMES,
  type TestName,
} from "../../../src/monitor/stats/index.js";
import { genCategorical, genNumeric } from "./gen.js";

function samples(name: TestName, shifted: boolean): [Sample, Sample] {
  const t = getStatTest(name);
  if (t.kinds.includes("numeric")) {
    const sort = (a: Float64Array) => a.sort();
    // Distances are calibrated for large references (> 1,000 rows), p-values for small ones.
    const [n1, n2] = t.scoreKind === "distance" ? [6000, 5000] : [600, 500];
    const r = sort(genNumeric({ seed: 3, n: n1, loc: 0, scale: 1, decimals: 2 }));
    const c = sort(genNumeric({ seed: 4, n: n2, loc: shifted ? 1.5 : 0, scale: 1, decimals: 2 }));
    return [
      { kind: "numeric", sorted: r },
      { kind: "numeric", sorted: c },
    ];
  }
  const cats = name === "ztest" ? ["ok", "fail"] : ["H", "L", "M"];
  const cum = name === "ztest" ? [0.9, 1] : [0.2, 0.7, 1];
  const shiftedCum = name === "ztest" ? [0.6, 1] : [0.5, 0.6, 1];
  const r = genCategorical({ seed: 5, n: 600, categories: cats, cumulative: cum });
  const c = genCategorical({ seed: 6, n: 500, categories: cats, cumulative: shifted ? shiftedCum : cum });
  return [
    { kind: "categorical", counts: countValues(r) },
    { kind: "categorical", counts: countValues(c) },
  ];
}

for (const name of TEST_NAMES) {
  test(`contract: ${name}`, () => {
    const t = getStatTest(name);
    const [r, c] = samples(name, false);
    const same = runStatTest(name, r, r);
    assert.equal(same.drifted, false, "a sample never drifts from itself");
    assert.equal(same.test, name);
    assert.equal(same.threshold, t.defaultThreshold, "the resolved default threshold is reported");
    if (t.scoreKind === "p_value") {
      assert.equal(same.p_value, same.score);
      assert.ok(same.score >= 0.99, `identical samples give p ≈ 1, got ${same.score}`);
    } else {
      assert.equal("p_value" in same, false);
      assert.ok(Math.abs(same.score) < 1e-12, `identical samples are at distance 0, got ${same.score}`);
    }
    const calm = runStatTest(name, r, c);
    assert.equal(calm.drifted, false, `same distribution: ${calm.score}`);
    const [r2, c2] = samples(name, true);
    const moved = runStatTest(name, r2, c2);
    assert.equal(moved.drifted, true, `shifted distribution: ${moved.score}`);
    if (t.scoreKind === "p_value") assert.ok(moved.score >= 0 && moved.score <= 1);
    // A caller's threshold is used and reported.
    const strict = runStatTest(name, r2, c2, t.scoreKind === "p_value" ? 1e-300 : 1e9);
    assert.equal(strict.drifted, false);
    assert.equal(strict.threshold, t.scoreKind === "p_value" ? 1e-300 : 1e9);
  });
}
