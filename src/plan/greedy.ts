// The baseline a planner would do by hand: repeatedly take the candidate worth most right now
// (a check's net value; a tool change's saving given the changes already taken, minus its cost),
// as long as its technician still has the hours and the machine does not have it yet.
// Used by the benchmark to show what the exact MIP gains.
import { chainCost, type MipProblem, planValue } from "./mip.js";

export interface GreedyResult {
  objective: number;
  chosen: number[];
  solve_ms: number;
}

export function greedyPlan(p: MipProblem): GreedyResult {
  const t0 = performance.now();
  const left = p.capacity.map((row) => row.slice());
  const done = new Set<number>();
  const changes = new Map<number, number[]>();
  const chosen: number[] = [];
  for (;;) {
    let best = -1;
    let bestGain = 1e-9;
    p.options.forEach((o, j) => {
      if (done.has(o.group) || left[o.technician][o.shift] < o.hours - 1e-9) return;
      let gain = o.value;
      if (o.chain !== undefined) {
        const chain = p.chains![o.chain];
        const cur = changes.get(o.chain) ?? [];
        gain += chainCost(chain, cur) - chainCost(chain, [...cur, o.shift]);
      }
      if (gain > bestGain) {
        best = j;
        bestGain = gain;
      }
    });
    if (best < 0) break;
    const o = p.options[best];
    left[o.technician][o.shift] -= o.hours;
    done.add(o.group);
    if (o.chain !== undefined) changes.set(o.chain, [...(changes.get(o.chain) ?? []), o.shift]);
    chosen.push(best);
  }
  chosen.sort((a, b) => a - b);
  return { objective: planValue(p, chosen), chosen, solve_ms: performance.now() - t0 };
}
