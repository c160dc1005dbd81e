// The exact MIP against brute-force enumeration of every assignment, on small random instances
// with checks (fixed values), tool chains (values that depend on the other changes) and tight
// technician capacity.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createRng, type Rng } from "../../src/core/rng.js";
import { bestChain } from "../../src/plan/task-reasons.js";
import { greedyPlan } from "../../src/plan/greedy.js";
import {
  type ChainCosts,
  chainArcs,
  chainCost,
  type MipOption,
  type MipProblem,
  planValue,
  solveMip,
  warmUpHighs,
} from "../../src/plan/mip.js";

/** Chain costs shaped like a tool's: the current tool's risk, and a new tool's that starts low. */
function randomChain(rng: Rng, S: number): ChainCosts {
  const price = 500 + rng.next() * 1500;
  const current = [0];
  for (let b = 1; b <= S; b++) current.push(current[b - 1] + price * rng.next() * 0.5);
  const fresh = [0];
  for (let L = 1; L <= S; L++) fresh.push(fresh[L - 1] + price * (L < 2 ? 0.02 : rng.next() * 0.4));
  const cost = [current];
  for (let a = 0; a < S; a++) cost.push(Array.from({ length: S + 1 }, (_, b) => (b > a ? fresh[b - a] : 0)));
  return { horizon: S, cost };
}

export function randomProblem(rng: Rng, machines: number, S: number, T: number, avail: number): MipProblem {
  const capacity = Array.from({ length: T }, () =>
    Array.from({ length: S }, () => [0, 1, 1.5, 2, 3][rng.int(5)]),
  );
  const options: MipOption[] = [];
  const chains: ChainCosts[] = [];
  let group = 0;
  const hours = [0.5, 1, 1.5, 2];
  for (let i = 0; i < machines; i++) {
    chains.push(randomChain(rng, S));
    for (let k = 0; k < 2; k++) {
      group++;
      for (let s = 0; s < S; s++)
        for (let t = 0; t < T; t++)
          if (rng.next() < avail)
            options.push({
              group,
              technician: t,
              shift: s,
              hours: hours[rng.int(4)],
              value: rng.next() * 500 - 100,
            });
    }
    for (let s = 0; s < S; s++) {
      group++;
      const planned = 50 + rng.next() * 250;
      for (let t = 0; t < T; t++)
        if (rng.next() < avail)
          options.push({
            group,
            technician: t,
            shift: s,
            hours: hours[rng.int(2)],
            value: -planned,
            chain: i,
          });
    }
  }
  return { options, capacity, chains };
}

/** Every assignment: each group takes none or one of its options, within capacity. */
function bruteForce(p: MipProblem): { best: number; count: number } {
  const groups = [...new Set(p.options.map((o) => o.group))].map((g) =>
    p.options.map((o, j) => (o.group === g ? j : -1)).filter((j) => j >= 0),
  );
  const left = p.capacity.map((r) => r.slice());
  const chosen: number[] = [];
  let best = 0;
  let count = 0;
  const visit = (gi: number) => {
    if (gi === groups.length) {
      count++;
      best = Math.max(best, planValue(p, chosen));
      return;
    }
    visit(gi + 1);
    for (const j of groups[gi]) {
      const o = p.options[j];
      if (left[o.technician][o.shift] < o.hours - 1e-9) continue;
      left[o.technician][o.shift] -= o.hours;
      chosen.push(j);
      visit(gi + 1);
      chosen.pop();
      left[o.technician][o.shift] += o.hours;
    }
  };
  visit(0);
  return { best, count };
}

export function assertFeasible(p: MipProblem, chosen: number[]): void {
  const used = p.capacity.map((r) => r.map(() => 0));
  const groups = new Set<number>();
  for (const j of chosen) {
    const o = p.options[j];
    assert.ok(!groups.has(o.group), `group ${o.group} chosen twice`);
    groups.add(o.group);
    used[o.technician][o.shift] += o.hours;
  }
  for (let t = 0; t < used.length; t++) {
    for (let s = 0; s < used[t].length; s++) {
      assert.ok(
        used[t][s] <= p.capacity[t][s] + 1e-9,
        `tech ${t} shift ${s}: ${used[t][s]} h > ${p.capacity[t][s]}`,
      );
    }
  }
}

const SIZES: [number, number, number, number][] = [
  [2, 2, 2, 0.8],
  [2, 3, 2, 0.45],
  [3, 2, 2, 0.5],
  [2, 4, 1, 0.8],
];

test("the MIP optimum equals brute-force enumeration on small instances (24 seeds)", async () => {
  let enumerated = 0;
  let withChanges = 0;
  for (let seed = 1; seed <= 24; seed++) {
    const [m, S, T, avail] = SIZES[seed % SIZES.length];
    const p = randomProblem(createRng(seed), m, S, T, avail);
    const bf = bruteForce(p);
    enumerated += bf.count;
    const r = await solveMip(p);
    assert.equal(r.status, "optimal", `seed ${seed}`);
    assert.equal(r.gap, 0);
    assert.ok(
      Math.abs(r.objective - bf.best) <= 1e-6 * Math.max(1, bf.best),
      `seed ${seed}: MIP ${r.objective} vs brute force ${bf.best}`,
    );
    assertFeasible(p, r.chosen);
    if (r.chosen.some((j) => p.options[j].chain !== undefined)) withChanges++;
    const g = greedyPlan(p);
    assertFeasible(p, g.chosen);
    assert.ok(g.objective <= r.objective + 1e-6, `seed ${seed}: greedy beats the optimum`);
  }
  assert.ok(enumerated > 10_000, `${enumerated} assignments enumerated`);
  assert.ok(withChanges >= 5, `only ${withChanges} optima used a tool change`);
});

test("chain costs: segments between the sorted change shifts", () => {
  const c: ChainCosts = {
    horizon: 3,
    cost: [
      [0, 10, 30, 60],
      [0, 1, 2, 4],
      [0, 0, 1, 2],
      [0, 0, 0, 1],
    ],
  };
  assert.equal(chainCost(c, []), 60);
  assert.equal(chainCost(c, [1]), 10 + 2);
  assert.equal(chainCost(c, [2, 0]), 0 + 2 + 1);
  // Arc (0, 1) puts a change at 1 right after one at 0: it saves at most cost(0,3) − cost(0,1) − cost(1,3) = 4 − 1 − 2 = 1,
  // so with a change costing 5 it is dropped, but not the arcs that replace today's tool.
  const arcs = chainArcs(c, [0, 1, 2], 5);
  assert.ok(!arcs.some(([a, b]) => a === 0 && b === 1));
  assert.ok(arcs.some(([a, b]) => a === -1 && b === 1));
  assert.ok(arcs.some(([a, b]) => a === -1 && b === 3));
  assert.equal(chainArcs(c, [0, 1, 2], -1).length, 10, "nothing pruned when a change pays to do");
  assert.equal(chainArcs(c, [0, 1, 2], 0).length, 9, "a change that gains 0 for free is not needed");
  // The best schedule without capacity limits (worked by hand): one change at 0 costs 0 + 4 + 5.
  assert.deepEqual(bestChain(c, [true, true, true], 5), { value: 60 - 9, changes: 1 });
  assert.deepEqual(bestChain(c, [false, true, true], 5), { value: 60 - 17, changes: 1 });
  // Free changes: 0,1 and 0,1,2 both cost 3; the first found (fewer changes) is kept.
  assert.deepEqual(bestChain(c, [true, true, true], 0), { value: 60 - 3, changes: 2 });
  assert.deepEqual(bestChain(c, [false, false, false], 5), { value: 0, changes: 0 });
});

test("an empty problem is optimal at 0 without calling the solver", async () => {
  const r = await solveMip({ options: [], capacity: [[1]] });
  assert.deepEqual([r.status, r.objective, r.chosen.length], ["optimal", 0, 0]);
});

test("property: every MIP plan respects capacity and once-per-group on random instances", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 2, max: 6 }),
      async (seed, S) => {
        const p = randomProblem(createRng(seed), 4, S, 3, 0.6);
        const r = await solveMip(p);
        assert.equal(r.status, "optimal");
        assertFeasible(p, r.chosen);
        assert.ok(Math.abs(planValue(p, r.chosen) - r.objective) < 1e-6);
        assert.ok(r.objective >= -1e-9, "doing nothing scores 0, so the optimum is never below it");
      },
    ),
    { numRuns: 25, seed: 42 },
  );
});

test("warmUpHighs solves its warm-up problem and reports the time", async () => {
  const ms = await warmUpHighs();
  assert.ok(ms > 0 && ms < 60_000, String(ms));
});
