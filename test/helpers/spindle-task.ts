// The spindle-bearing swap the plan's hand-made forecasts are built on (contract-options.test.ts,
// contract-min-return.test.ts): a task with an event, so its effect is the model's re-score.
import type { HeadTasks } from "../../src/contract/types.js";

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
