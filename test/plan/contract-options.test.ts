// A task's numbers on a hand-made forecast: a task at shift s is credited only with the risk from s
// on (the risk of the shifts before it is not avoided, and the machine must reach s first), so on a
// flat forecast a later task is worth less than the same task today and the planner has no reason
// to put it off. The `revert` forecast (risk-revert.ts) on a hand-made fleet: a machine's own risk
// within the model's horizon, the fleet's mean beyond it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { taskNumbers } from "../../src/plan/contract-options.js";
import type { Contract } from "../../src/contract/types.js";
import type { ContractForecast, HeadForecast } from "../../src/plan/contract-forecast.js";
import { revertToFleet } from "../../src/plan/risk-revert.js";
import { spindleSwap } from "../helpers/spindle-task.js";

const S = 21;
const spec = spindleSwap("swap");
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

test("revert: beyond the model's horizon from the last reading, each machine's risk is the fleet's mean; a task's risk after is never above the risk before", () => {
  const HOUR = 3_600_000;
  const last = Date.UTC(2026, 0, 1, 5);
  const start = last + HOUR; // shift u's middle is 1 + 8u + 4 hours after the reading
  const contract = {
    time: { counter: false },
    failures: { horizon: { size: 24 * HOUR } },
  } as unknown as Contract;
  const own = [0.3, 0.01, 0.02];
  const all: ContractForecast[] = own.map((h, i) => ({
    machine: {
      id: `M${i}`,
      model: null,
      attributes: {},
      state: { time: last, row: new Float64Array(0), later: [] },
    },
    heads: [
      {
        ...flat,
        hazard: new Array(S).fill(h),
        hazardAfter: Array.from({ length: S }, (_, s) =>
          Array.from({ length: S }, (_, u) => (u >= s ? 0.2 : 0)),
        ),
      },
    ],
  }));
  revertToFleet(all, contract, start, 8);
  const mean = (0.3 + 0.01 + 0.02) / 3;
  all.forEach((f, i) => {
    const h = f.heads[0];
    for (let u = 0; u < S; u++) {
      // Shifts 0-2 end within 24 h of the reading (middles at 5, 13, 21 h): the machine's own risk.
      const want = u < 3 ? own[i] : mean;
      assert.ok(Math.abs(h.hazard[u] - want) < 1e-12, `M${i} shift ${u}: ${h.hazard[u]}`);
      for (const row of h.hazardAfter ?? []) assert.ok(row[u] <= h.hazard[u] + 1e-15);
    }
  });
  // The risky machine's task today is worth far more than the same task put off to day 3.
  const today = taskNumbers(all[0].heads[0], 0, 120).avoided;
  const later = taskNumbers(all[0].heads[0], 9, 120).avoided;
  assert.ok(today > 5 * later, `${today} vs ${later}`);
});
