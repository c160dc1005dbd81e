// evaluate's printed line for one head: with no failure of that kind in the rows, "recall 0" would
// read as "missed every failure", so the line says the metrics are undefined and counts false alarms.
import assert from "node:assert/strict";
import { test } from "node:test";
import { headLine } from "../../src/cli/commands/contract-model.js";
import { evaluateBinary } from "../../src/evaluate/metrics.js";

test("a head with no failures in the rows prints n/a and its false alarms, not recall 0", () => {
  const e = evaluateBinary([0, 0, 0, 0], [0.1, 0.7, 0.2, 0.9], 0.5);
  assert.equal(e.recall, 0, "the JSON keeps scikit-learn's zero_division value");
  const line = headLine(e);
  assert.match(line, /no failures of this kind/);
  assert.match(line, /undefined \(n\/a\)/);
  assert.match(line, /2 false alarms in 4 rows at threshold 0\.5/);
  assert.doesNotMatch(line, /recall 0/);
});

test("a head with failures prints its metrics", () => {
  const e = evaluateBinary([0, 1, 0, 1], [0.1, 0.7, 0.2, 0.9], 0.5);
  const line = headLine(e);
  assert.match(line, /^PR-AUC 1 {2}ROC-AUC 1 {2}precision 1 {2}recall 1 {2}F1 1 {2}failures 2$/);
  assert.equal(headLine(null), "no head or no labels");
});
