// The `calibrated` forecast (README "Tasks and the plan"): persistence's per-shift risks mapped
// through the model's planning calibration (train/plan-calibration.ts), so that a part given 30 %
// within the week fails about that often on the mornings it was fitted on. A task's risk after is
// mapped the same way, as the whole sequence it belongs to (the risks before the task's shift,
// then the re-scored ones): the map at a shift reads only the risk up to that shift, so the shifts
// before the task keep the values they have without it, and a lower re-scored risk stays lower.
import { calibrateHazard, type PlanCalibration } from "../train/plan-calibration.js";
import type { ContractForecast } from "./contract-risk.js";

export function calibrateForecasts(all: ContractForecast[], cal: PlanCalibration, shiftHours: number): void {
  for (const f of all)
    for (const h of f.heads) {
      const raw = h.hazard;
      h.hazardAfter =
        h.hazardAfter?.map((row, s) => {
          if (!row) return row;
          const whole = raw.map((v, u) => (u < s ? v : row[u]));
          const mapped = calibrateHazard(cal, whole, shiftHours);
          return mapped.map((v, u) => (u < s ? 0 : v));
        }) ?? null;
      h.hazard = calibrateHazard(cal, raw, shiftHours);
    }
}
