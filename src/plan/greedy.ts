// The baseline a planner would do by hand: take candidates by value, highest first, and keep each
// one whose task is not yet planned on that machine and whose technician still has the hours.
// Used by the benchmark to show what the exact MIP gains.
import type { MipProblem } from "./mip.js";

export interface GreedyResult {
  objective: number;
  chosen: number[];
  solve_ms: number;
}

export function greedyPlan(p: MipProblem): GreedyResult {
  const t0 = performance.now();
  const left = p.capacity.map((row) => row.slice());
  const done = new Set<number>();
  const order = p.options.map((_, j) => j).sort((a, b) => p.options[b].value - p.options[a].value || a - b);
  const chosen: number[] = [];
  let objective = 0;
  for (const j of order) {
    const o = p.options[j];
    if (o.value <= 0 || done.has(o.group) || left[o.technician][o.shift] < o.hours - 1e-9) continue;
    left[o.technician][o.shift] -= o.hours;
    done.add(o.group);
    chosen.push(j);
    objective += o.value;
  }
  chosen.sort((a, b) => a - b);
  return { objective, chosen, solve_ms: performance.now() - t0 };
}
