// What a contract model's monitor compares production with (reference.json in its version): a seeded
// sample of the training telemetry's readings by contract names (a counter's rates), the test part's probabilities, and
// the drift thresholds calibrated on the training period's own full windows (monitor/drift-window.ts);
// with `monitor: { drift_by: […] }`, the same for each group of machines (reference-groups.ts).
import { createRng } from "../core/rng.js";
import type { ContractData } from "../data/contract-data.js";
import { telemetryRates } from "../features/counter-rate.js";
import { featurePlan } from "../features/plan.js";
import type { DriftCalibration } from "../monitor/drift-window.js";
import type { HistoryFit } from "../train/fit-history.js";
import { calibrateColumns, columnsAt, sampleRows } from "./reference-columns.js";
import { type GroupReference, referenceGroups, type SkippedGroup } from "./reference-groups.js";

export { referenceColumns } from "./reference-columns.js";
export type { GroupReference, SkippedGroup } from "./reference-groups.js";

/** Rows kept as the drift reference (a seeded sample of the training telemetry, by contract names). */
export const REFERENCE_ROWS = 5000;

export interface ReferenceSample {
  rows: number;
  columns: Record<string, (number | string | null)[]>;
  failure_probability: number[];
  /** The test part's labels in the same order (the evaluation report's curves: evaluate/history-report.ts). */
  failure_label: number[];
  calibration: DriftCalibration;
  /** Only with `monitor.drift_by`: each group's reference, and the groups too small for one. */
  groups?: GroupReference[];
  groups_skipped?: SkippedGroup[];
}

/** The readings of a seeded sample of rows (categories by level name, missing as null) and the test part's probabilities and labels. */
export function referenceSample(
  d: ContractData,
  fit: Pick<HistoryFit, "test">,
  seed: number,
): ReferenceSample {
  const t = d.telemetry;
  const rows = sampleRows(t.n, REFERENCE_ROWS, createRng(seed ^ 0x5eed));
  // A counter reading drifts by its rate, as the model and the live window see it, not its count.
  const values = telemetryRates(featurePlan(d.contract), t);
  const columns = columnsAt(d, values, rows);
  const sample: ReferenceSample = {
    rows: rows.length,
    columns,
    failure_probability: Array.from(fit.test.p),
    // Empty with the probabilities when the test part holds one class (no machine_failure metrics).
    failure_label: fit.test.p.length > 0 ? Array.from(fit.test.y) : [],
    calibration: calibrateColumns(d, values, columns),
  };
  // Kept additively: a contract without drift_by writes the reference.json it always did.
  if (!d.contract.monitor?.driftBy.length) return sample;
  const { groups, skipped } = referenceGroups(d, values, seed);
  return { ...sample, groups, groups_skipped: skipped };
}
