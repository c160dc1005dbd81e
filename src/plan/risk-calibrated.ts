// The `calibrated` forecast (README "Tasks and the plan"): persistence's per-shift risks mapped
// through the model's planning calibration (train/plan-calibration.ts), so that a part given 30 %
// within the week fails about that often on the mornings it was fitted on.
// With the age map (train/plan-calibration-age.ts: the part's cumulative Weibull hazard over the
// window is the map's second input), a part whose task replaces it and whose age is known is mapped
// with its age, and a replacement at shift s is re-computed, not scaled: the re-scored risks from s
// on, and a Weibull hazard that restarts at age 0 at the task's start, go through the same map. A
// new part is young, and the age input says so; the map knows how parts of each age fail.
// Otherwise (no age map, a task that does not replace the part, or an unknown age) a task's risk
// after keeps the model's own relative effect: at each shift from the task on, the calibrated risk
// before × (re-scored risk ÷ risk before). That map was fitted on parts no task touched, so it
// knows how often a part the model scores low really fails, not how a part just replaced does:
// mapping the re-scored row through it would give a new part the failure rate of the fleet's
// low-scored old ones (measured: seed 7's MIP then did 44 tasks instead of 54, and 23 failures
// instead of 19; BENCHMARKS.md, plan backtest).
import type { Contract } from "../contract/types.js";
import { MS_PER_HOUR } from "../features/plan.js";
import { calibrateHazard, hasAgeMap, type PlanCalibration } from "../train/plan-calibration.js";
import { ageLogHazard } from "../train/plan-calibration-age.js";
import type { ContractForecast, HeadForecast } from "./contract-forecast.js";

/** The head's part age (hours) at `start` when the age map applies to it; null otherwise. */
function ageAt(c: Contract, cal: PlanCalibration, h: HeadForecast, start: number): number | null {
  const e = h.spec.task?.event;
  const renews = !!e && "table" in e && e.table === c.failures?.resets && e.kind === h.head;
  if (!renews || !hasAgeMap(cal) || !cal.weibull?.[h.head] || h.lastDone === null) return null;
  if (c.time?.counter !== false) return null;
  return Math.max(0, (start - h.lastDone) / MS_PER_HOUR);
}

export function calibrateForecasts(
  all: ContractForecast[],
  cal: PlanCalibration,
  shiftHours: number,
  contract: Contract,
  start: number,
): void {
  for (const f of all)
    for (const h of f.heads) {
      const raw = h.hazard;
      const age = ageAt(contract, cal, h, start);
      if (age === null) {
        const mapped = calibrateHazard(cal, raw, shiftHours);
        h.hazardAfter =
          h.hazardAfter?.map((row) =>
            row?.map((v, u) => Math.min(1, raw[u] > 0 ? (mapped[u] * v) / raw[u] : v)),
          ) ?? null;
        h.hazard = mapped;
        continue;
      }
      const life = cal.weibull?.[h.head];
      if (!life) continue;
      h.hazard = calibrateHazard(cal, raw, shiftHours, ageLogHazard(life, age));
      h.hazardAfter =
        h.hazardAfter?.map((row, s) => {
          if (!row) return row;
          // Before the task the part is the old one (and its map the same); from it, the new one.
          const whole = row.map((v, u) => (u < s ? raw[u] : v));
          const mapped = calibrateHazard(cal, whole, shiftHours, ageLogHazard(life, age, s * shiftHours));
          return mapped.map((v, u) => (u < s ? 0 : v));
        }) ?? null;
    }
}
