// A task's numbers on a hand-made forecast: a task at shift s is credited only with the risk from s
// on (the risk of the shifts before it is not avoided, and the machine must reach s first), so on a
// flat forecast a later task is worth less than the same task today and the planner has no reason
// to put it off.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { HeadTasks } from "../../src/contract/tasks.js";
import { taskNumbers } from "../../src/plan/contract-options.js";
import type { HeadForecast } from "../../src/plan/contract-risk.js";

const S = 21;
const spec: HeadTasks = {
  head: "spindle_bearing",
  failure: { downtimeHours: 36, costPerHour: 450, repairCost: 6500 },
  task: {
    name: "swap",
    words: "swap",
    hours: 6,
    partsCost: 1800,
    skills: [],
    minInterval: null,
    effectiveness: 0.95,
    event: { table: "maintenance", kind: "spindle_bearing" },
  },
};
const flat: HeadForecast = {
  head: spec.head,
  spec,
  now: 0.27,
  hazard: new Array(S).fill(0.1),
  hazardAfter: Array.from({ length: S }, (_, s) => Array.from({ length: S }, (_, u) => (u >= s ? 0.01 : 0))),
  earliest: 0,
  lastDone: null,
};

test("a task on day 3 gets no credit for the risk of days 0-2", () => {
  const cost = 36 * 450 + 6500;
  const s = 9; // day 3's first shift
  const n = taskNumbers(flat, s, 120);
  assert.ok(Math.abs(n.reach - 0.9 ** 9) < 1e-12, "reach: no failure in shifts 0-8");
  assert.ok(Math.abs(n.before - (1 - 0.9 ** 12)) < 1e-12, "before: shifts 9-20 only");
  const after = n.before - 0.95 * (n.before - (1 - 0.99 ** 12));
  assert.ok(Math.abs(n.after - after) < 1e-12);
  assert.ok(Math.abs(n.avoided - cost * 0.9 ** 9 * (n.before - after)) < 1e-9);
  assert.equal(n.planned, 6 * 120 + 1800);
  // Each shift of delay is worth less on a flat forecast: doing it now is never beaten by later.
  let prev = Number.POSITIVE_INFINITY;
  for (let u = 0; u < S; u++) {
    const v = taskNumbers(flat, u, 120).avoided;
    assert.ok(v < prev, `shift ${u}: ${v} not below shift ${u - 1}'s ${prev}`);
    prev = v;
  }
});
