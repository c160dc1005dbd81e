// Hand-computed threshold choices (each candidate's F1 or cost is written out in the comments).
import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseThreshold, nextUp, predictAt } from "../../src/evaluate/index.js";

// F1 by threshold: .9→2/4 .8→4/5 .7→4/6 .6→6/7 .3→6/8 .1→6/9
const y = [1, 1, 0, 1, 0, 0];
const p = [0.9, 0.8, 0.7, 0.6, 0.3, 0.1];

test("max F1 over the distinct scores", () => {
  const c = chooseThreshold(y, p, { method: "f1" });
  assert.deepEqual(c, { threshold: 0.6, method: "f1", value: 6 / 7 });
});

test("F1 ties go to the higher threshold", () => {
  // .9→2/3 .8→2/4 .7→2/5 .6→4/6: 0.9 and 0.6 tie at 2/3.
  const c = chooseThreshold([1, 0, 0, 1], [0.9, 0.8, 0.7, 0.6], { method: "f1" });
  assert.equal(c.threshold, 0.9);
  assert.equal(c.value, 2 / 3);
});

test("F1 with tied scores treats a tie as one candidate", () => {
  // Candidates .8 (tp1 fp1 fn1 → 0.5) and .2 (tp2 fp2 → 4/6).
  const c = chooseThreshold([1, 0, 1, 0], [0.8, 0.8, 0.2, 0.2], { method: "f1" });
  assert.equal(c.threshold, 0.2);
  assert.equal(c.value, 2 / 3);
});

test("min cost: a miss costs 10, a false alarm 1", () => {
  // never→30 .9→20 .8→10 .7→11 .6→1 .3→2 .1→3
  assert.deepEqual(chooseThreshold(y, p, { method: "cost", costMiss: 10, costFalseAlarm: 1 }), {
    threshold: 0.6,
    method: "cost",
    value: 1,
  });
});

test("min cost: false alarms expensive; ties go to the higher threshold", () => {
  // never→3 .9→2 .8→1 .7→11 .6→10
  assert.equal(chooseThreshold(y, p, { method: "cost", costMiss: 1, costFalseAlarm: 10 }).threshold, 0.8);
  // equal costs: never→3 .9→2 .8→1 .7→2 .6→1 → 0.8 (higher of the tie)
  assert.equal(chooseThreshold(y, p, { method: "cost", costMiss: 1, costFalseAlarm: 1 }).threshold, 0.8);
});

test("min cost can be 'never alarm', with a threshold just above the top score", () => {
  // never→1 (the miss), .9→1+100, .2→100
  const c = chooseThreshold([0, 1], [0.9, 0.2], { method: "cost", costMiss: 1, costFalseAlarm: 100 });
  assert.equal(c.value, 1);
  assert.ok(c.threshold > 0.9 && c.threshold < 0.9 + 1e-15);
  assert.deepEqual([...predictAt([0.9, 0.2], c.threshold)], [0, 0]);
});

test("nextUp is the adjacent double", () => {
  assert.equal(nextUp(1), 1 + Number.EPSILON);
  assert.equal(nextUp(0), Number.MIN_VALUE);
  assert.ok(nextUp(-1) > -1 && nextUp(-1) < -1 + 1e-15);
});

test("no failures or bad costs are clear errors", () => {
  assert.throws(() => chooseThreshold([0, 0], [0.1, 0.2], { method: "f1" }), { code: "MW_TRAINING_DATA" });
  assert.throws(() => chooseThreshold([], [], { method: "f1" }), { code: "MW_TRAINING_DATA" });
  assert.throws(() => chooseThreshold(y, p, { method: "cost", costMiss: -1, costFalseAlarm: 1 }), {
    code: "MW_VALIDATION",
    message: /costMiss/,
  });
});
