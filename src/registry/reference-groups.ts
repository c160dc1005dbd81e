// Each group of machines' drift reference (`monitor: { drift_by: […] }`, monitor/live/monitor.ts): a
// seeded sample of the group's own training rows and thresholds calibrated as the fleet's are (1.2×
// the worst score of the group's own full windows of the training period, never below Evidently's
// default), so a make is compared with what that make's days looked like, not with the fleet's
// mix. A group too small for that is skipped with its reason, which training prints and
// GET /v1/monitor shows.
import { createRng } from "../core/rng.js";
import type { ContractData } from "../data/contract-data.js";
import { driftGroupRows, MIN_GROUP_ROWS } from "../data/drift-groups.js";
import { type DriftCalibration, GROUP_WINDOW_ROWS } from "../monitor/drift-window.js";
import { calibrateColumns, columnsAt, type ReadingValues, sampleRows } from "./reference-columns.js";

/** Rows kept per group (more than 1,000: the same test as the fleet's, normed Wasserstein). */
export const GROUP_REFERENCE_ROWS = 2000;
/** Full windows of its own a group's training period needs (a day of hourly ends): fewer, no calm is known. */
export const MIN_GROUP_WINDOWS = 24;

export interface GroupReference {
  attribute: string;
  value: string;
  /** The machines of the group in the training telemetry. */
  machines: string[];
  /** Rows in the sample (of `training_rows`). */
  rows: number;
  training_rows: number;
  /** Readings by contract name; a reading none of the group's machines has is left out. */
  columns: Record<string, (number | string | null)[]>;
  calibration: DriftCalibration;
}

export interface SkippedGroup {
  attribute: string;
  value: string;
  machines: string[];
  training_rows: number;
  reason: string;
}

export function referenceGroups(
  d: ContractData,
  values: ReadingValues,
  seed: number,
): { groups: GroupReference[]; skipped: SkippedGroup[] } {
  const rng = createRng(seed ^ 0x6a0c);
  const groups: GroupReference[] = [];
  const skipped: SkippedGroup[] = [];
  for (const g of driftGroupRows(d.contract, d)) {
    const head = { attribute: g.attribute, value: g.value, machines: g.machines };
    const n = g.rows.length;
    if (n < MIN_GROUP_ROWS) {
      skipped.push({ ...head, training_rows: n, reason: `${n} training rows, fewer than ${MIN_GROUP_ROWS}` });
      continue;
    }
    const all = columnsAt(d, values, sampleRows(g.rows, GROUP_REFERENCE_ROWS, rng));
    const columns = Object.fromEntries(Object.entries(all).filter(([, v]) => v.some((x) => x !== null)));
    const calibration = calibrateColumns(d, values, columns, g.rows, GROUP_WINDOW_ROWS);
    const reason =
      Object.keys(calibration.features).length === 0
        ? "no reading of the contract has a value on these machines"
        : calibration.windows < MIN_GROUP_WINDOWS
          ? `${calibration.windows} full windows in the training period, fewer than ${MIN_GROUP_WINDOWS}`
          : null;
    if (reason) skipped.push({ ...head, training_rows: n, reason });
    else
      groups.push({
        ...head,
        rows: Math.min(n, GROUP_REFERENCE_ROWS),
        training_rows: n,
        columns,
        calibration,
      });
  }
  return { groups, skipped };
}
