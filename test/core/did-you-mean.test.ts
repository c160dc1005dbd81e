// "Did you mean": the misspellings the trial made, each found; a far guess is not offered.
import assert from "node:assert/strict";
import { test } from "node:test";
import { closest, didYouMean } from "../../src/core/did-you-mean.js";

test("closest: an added letter, a dropped one, two swapped, another case; nothing when far", () => {
  assert.equal(closest("HYD_LEAKS", ["SPDL_BRG", "HYD_LEAK", "CLNT_PUMP"]), "HYD_LEAK");
  assert.equal(closest("CLNT_PMP", ["CLNT_PUMP", "FILTER", "LUBE"]), "CLNT_PUMP");
  assert.equal(closest("spindel", ["coolant", "hydraulics", "spindle"]), "spindle");
  assert.equal(closest("Spindle", ["spindle"]), "spindle");
  assert.equal(closest("electrical", ["coolant", "hydraulics", "spindle"]), null);
  // A short name: one slip at most (axes is not "apex").
  assert.equal(closest("apex", ["axes"]), null);
  assert.equal(closest("axe", ["axes"]), "axes");
  assert.equal(closest("x", []), null);
  assert.equal(didYouMean("HYD_LEAKS", ["HYD_LEAK"]), "; did you mean 'HYD_LEAK'?");
  assert.equal(didYouMean("welding", ["HYD_LEAK"]), "");
});
