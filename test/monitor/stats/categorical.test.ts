import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { chiSquareCounts, countValues, runStatTest, zTestCounts } from "../../../src/monitor/stats/index.js";
import { type CategoricalSpec, genCategorical, num } from "./gen.js";

interface CatCase {
  name: string;
  reference: CategoricalSpec;
  current: CategoricalSpec;
  chisquare_statistic: number | string;
  chisquare_pvalue: number | string;
  z_statistic: number;
  z_pvalue: number;
  psi: number;
  jensenshannon: number;
}
const fx = JSON.parse(readFileSync("test/fixtures/drift/cases.json", "utf8")) as { categorical: CatCase[] };

function near(actual: number, expected: number, what: string): void {
  if (!Number.isFinite(expected)) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)),
    `${what}: got ${actual}, expected ${expected}`,
  );
}

for (const c of fx.categorical) {
  test(`categorical tests ${c.name} match scipy / Evidently`, () => {
    const ref = countValues(genCategorical(c.reference));
    const cur = countValues(genCategorical(c.current));
    const chi = chiSquareCounts(ref, cur);
    near(chi.statistic, num(c.chisquare_statistic), "chisquare statistic");
    const wantP = num(c.chisquare_pvalue);
    // One category on both sides: scipy says NaN (0 dof); we report p = 1 ("no drift", as Evidently concludes).
    near(chi.pValue, Number.isNaN(wantP) ? 1 : wantP, "chisquare p-value");
    const z = zTestCounts(ref, cur);
    near(z.statistic, c.z_statistic, "z statistic");
    near(z.pValue, c.z_pvalue, "z p-value");
    near(
      runStatTest("psi", { kind: "categorical", counts: ref }, { kind: "categorical", counts: cur }).score,
      c.psi,
      "psi",
    );
    near(
      runStatTest("jensenshannon", { kind: "categorical", counts: ref }, { kind: "categorical", counts: cur })
        .score,
      c.jensenshannon,
      "jensenshannon",
    );
  });
}

test("a category missing from the reference makes chi-square infinite (p = 0), as scipy", () => {
  const r = countValues(["a", "a", "b"]);
  const c = countValues(["a", "b", "c"]);
  const res = chiSquareCounts(r, c);
  assert.equal(res.statistic, Number.POSITIVE_INFINITY);
  assert.equal(res.pValue, 0);
  assert.equal(res.dof, 2);
});

test("the Z-test codes the first sorted category as 0 (numbers sort numerically)", () => {
  const r = countValues([0, 0, 0, 1]);
  const c = countValues([1, 1, 0, 1]);
  const z = zTestCounts(r, c);
  assert.ok(z.statistic < 0, "reference failure rate is lower");
  const flipped = zTestCounts(c, r);
  assert.ok(Math.abs(flipped.statistic + z.statistic) < 1e-15);
  assert.equal(zTestCounts(countValues(["x"]), countValues(["x", "x"])).pValue, 1);
});

test("an empty sample is refused by both count tests, naming the test", () => {
  const some = countValues(["a", "b"]);
  const none = countValues([]);
  assert.throws(() => chiSquareCounts(none, some), {
    code: "MW_BAD_INPUT",
    message: /^chisquare: both samples/,
  });
  assert.throws(() => zTestCounts(some, none), { code: "MW_BAD_INPUT", message: /^ztest: both samples/ });
});
