// What each part in a replayed world would have done untouched: the historian simulator draws every
// part's life from its component's own stream, a fixed number of draws per life (historian-life.ts),
// so the k-th part installed on a machine's component has the same time to failure in every policy's
// world. Replaying those draws says, for a part a task replaced, when it would have failed: the
// outcome a task hides (for comparing two planners' tasks on the same parts; bench only).
import { createRng } from "../../src/core/rng.js";
import type { Historian } from "../../src/data/historian.js";
import { COMPONENTS } from "../../src/data/historian-spec.js";

const HOUR = 3_600_000;

/** historian.ts seedOf and lifePolicy's per-component seed (kept in step with them by the check below). */
function componentSeed(seed: number, machine: number, k: number): number {
  const m = (Math.imul(seed >>> 0, 0x2545f491) ^ Math.imul(machine + 1, 0x9e3779b9) ^ 0x5bd1e995) >>> 0;
  return (m ^ Math.imul(k + 1, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0;
}

/** Time to failure (h from install) of the first `n` parts of a machine's component, as drawn. */
export function drawnLives(
  seed: number,
  machine: number,
  ageYears: number,
  component: string,
  n: number,
): number[] {
  const k = COMPONENTS.findIndex((c) => c.name === component);
  const c = COMPONENTS[k];
  const rng = createRng(componentSeed(seed, machine, k));
  const scale = c.scaleH * Math.max(0.6, 1 - 0.02 * ageYears);
  const weibull = (age: number) => {
    let u = rng.next();
    while (u === 0) u = rng.next();
    return scale * ((age / scale) ** c.shape - Math.log(u)) ** (1 / c.shape);
  };
  const age0 = Math.floor(rng.next() * c.intervalH * 0.9);
  const out: number[] = [];
  // The first part's draw is its remaining life from age0; stated from its install at −age0.
  let ttf = weibull(age0);
  for (let i = 0; i < n; i++) {
    out.push(ttf);
    for (let j = 0; j < 7; j++) rng.next(); // drawn, onset, amp, burstFrom, peak, quiet, repair
    ttf = weibull(0);
  }
  return out;
}

export interface PartFate {
  machine: string;
  kind: string;
  /** When the task replaced it, and when the part would have failed untouched (ms). */
  ms: number;
  wouldFailMs: number;
}

/**
 * For each planned replacement in `h` (a world simulated with `seed`), when the part it removed would
 * have failed. Throws when the replayed draws do not give the world's own failures (the simulator changed).
 */
export function fatesOfTasks(h: Historian, seed: number): PartFate[] {
  const out: PartFate[] = [];
  h.machines.forEach((m, i) => {
    for (const c of COMPONENTS) {
      const installs = h.maintenance.filter((e) => e.machine === i && e.component === c.name);
      const lives = drawnLives(seed, i, m.ageYears, c.name, installs.length);
      installs.forEach((e, k) => {
        const failAt =
          h.startMs + Math.max(0, Math.round((e.ms - h.startMs) / HOUR) + Math.ceil(lives[k])) * HOUR;
        const next = installs[k + 1];
        if (!next) return;
        if (next.reason === "failure") {
          const f = h.failures.find(
            (x) => x.machine === i && x.component === c.name && x.ms >= e.ms && x.ms < next.ms,
          );
          if (!f || f.ms !== failAt)
            throw new Error(`part-lives: ${m.id} ${c.name} life ${k} does not replay`);
        }
        if (next.reason === "planned")
          out.push({ machine: m.id, kind: c.name, ms: next.ms, wouldFailMs: failAt });
      });
    }
  });
  return out;
}
