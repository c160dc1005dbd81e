// Explanations in words: "from A to B" in percentages a shop floor reads, with as many decimals as
// it takes for a change to show (a quiet fleet's "from 0.2 % to 0.2 %" said nothing).
import assert from "node:assert/strict";
import { test } from "node:test";
import { pctPair, reasonOrder, showValue } from "../../src/pipeline/contract-explain.js";

test("pctPair: whole percent from 10 %, one decimal below, more only while both read the same", () => {
  const cases: [number, number, string, string][] = [
    [0.04, 0.19, "4.0 %", "19 %"],
    [0.5107, 0.72, "51 %", "72 %"],
    [0.0015, 0.0022, "0.1 %", "0.2 %"],
    [0.002, 0.0021, "0.20 %", "0.21 %"],
    [0.0019, 0.0021, "0.19 %", "0.21 %"],
    [0.1, 0.1004, "10.00 %", "10.04 %"],
    [0.0007, 0.72, "<0.1 %", "72 %"],
    [0.3, 0.3, "30.00 %", "30.00 %"],
  ];
  for (const [a, b, x, y] of cases) assert.deepEqual(pctPair(a, b), [x, y], `${a} → ${b}`);
});

test("values: a year reads 1998, a counter 18,475,100; decimals as before", () => {
  assert.deepEqual([1998, 9999.4, 18_475_100, 61.74, 0.0845, -12_345].map(showValue), [
    "1998",
    "9999",
    "18,475,100",
    "61.7",
    "0.085",
    "-12,345",
  ]);
});

test("reasons: the largest contributions of features with a value; a missing one only when none has a value", () => {
  // Trial G: a 1982 header has no oil sensor; its oil features' contributions were its top reasons.
  const NaN_ = Number.NaN;
  const x = Float64Array.from([NaN_, NaN_, 1982, 55, NaN_]);
  const c = Float64Array.from([-0.05, -0.004, 0.0067, 0.001, 0]);
  assert.deepEqual(reasonOrder(c, x, 3), [2, 3]);
  assert.deepEqual(reasonOrder(c, x, 1), [2]);
  // Nothing with a value moves the risk: then the missing ones are all there is to say.
  assert.deepEqual(reasonOrder(Float64Array.from([-0.05, -0.004, 0, 0, 0]), x, 3), [0, 1]);
});
