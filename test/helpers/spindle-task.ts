// The spindle-bearing swap the plan's hand-made forecasts are built on (contract-options.test.ts,
// contract-min-return.test.ts): a task with an event, so its effect is the model's re-score.
import type { HeadTasks } from "../../src/contract/types.js";
import type { ContractForecast, HeadForecast } from "../../src/plan/contract-forecast.js";

/** The spindle-bearing head's failure and swap, as the historian contract gives them; `words` is the row's name. */
export function spindleSwap(words: string): HeadTasks {
  return {
    head: "spindle_bearing",
    failure: { downtimeHours: 36, costPerHour: 450, repairCost: 6500 },
    task: {
      name: "swap",
      words,
      hours: 6,
      partsCost: 1800,
      skills: [],
      minInterval: null,
      effectiveness: 0.95,
      event: { table: "maintenance", kind: "spindle_bearing" },
    },
  };
}

/**
 * A hand-made machine with one head of `spec`: a flat per-shift hazard `h` over `shifts`, and no risk
 * after its task; `more` adds to the head (e.g. `skipped`).
 */
export function flatMachine(
  id: string,
  spec: HeadTasks,
  h: number,
  shifts: number,
  more: Partial<HeadForecast> = {},
): ContractForecast {
  return {
    machine: { id, model: null, attributes: {}, state: { time: 0, row: new Float64Array(0), later: [] } },
    heads: [
      {
        head: spec.head,
        spec,
        now: h,
        hazard: new Array(shifts).fill(h),
        hazardAfter: Array.from({ length: shifts }, () => new Array(shifts).fill(0)),
        earliest: 0,
        lastDone: null,
        ...more,
      },
    ],
  };
}
