// The `calibrated` forecast (README "Tasks and the plan"): persistence's per-shift risks mapped
// through the model's planning calibration (train/plan-calibration.ts), so that a part given 30 %
// within the week fails about that often on the mornings it was fitted on.
// A task's risk after keeps the model's own relative effect: at each shift from the task on, the
// calibrated risk before × (re-scored risk ÷ risk before). The map was fitted on parts no task
// touched, so it knows how often a part the model scores low really fails, not how a part just
// replaced does: mapping the re-scored row through it would give a new part the failure rate of
// the fleet's low-scored old ones (measured: seed 7's MIP then did 44 tasks instead of 54, and 23
// failures instead of 19; BENCHMARKS.md, plan backtest).
import { calibrateHazard, type PlanCalibration } from "../train/plan-calibration.js";
import type { ContractForecast } from "./contract-forecast.js";

export function calibrateForecasts(all: ContractForecast[], cal: PlanCalibration, shiftHours: number): void {
  for (const f of all)
    for (const h of f.heads) {
      const raw = h.hazard;
      const mapped = calibrateHazard(cal, raw, shiftHours);
      h.hazardAfter =
        h.hazardAfter?.map((row) =>
          row?.map((v, u) => Math.min(1, raw[u] > 0 ? (mapped[u] * v) / raw[u] : v)),
        ) ?? null;
      h.hazard = mapped;
    }
}
