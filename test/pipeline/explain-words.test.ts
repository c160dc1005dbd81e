// Explanations in words: "from A to B" in percentages a shop floor reads, with as many decimals as
// it takes for a change to show (a quiet fleet's "from 0.2 % to 0.2 %" said nothing).
import assert from "node:assert/strict";
import { test } from "node:test";
import { pctPair } from "../../src/pipeline/contract-explain.js";

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
