// What a contract model's monitor compares production with (reference.json in its version): a seeded
// sample of the training telemetry's readings by contract names (a counter's rates), the test part's probabilities, and
// the drift thresholds calibrated on the training period's own full windows (monitor/drift-window.ts).
import { createRng } from "../core/rng.js";
import type { ContractData } from "../data/contract-data.js";
import { telemetryRates } from "../features/counter-rate.js";
import { featurePlan } from "../features/plan.js";
import type { Column, Columns } from "../monitor/drift-report.js";
import {
  calibrateDrift,
  DRIFT_WINDOW_MS,
  type DriftCalibration,
  type SeriesColumn,
} from "../monitor/drift-window.js";
import type { HistoryFit } from "../train/fit-history.js";

/** Rows kept as the drift reference (a seeded sample of the training telemetry, by contract names). */
export const REFERENCE_ROWS = 5000;

export interface ReferenceSample {
  rows: number;
  columns: Record<string, (number | string | null)[]>;
  failure_probability: number[];
  /** The test part's labels in the same order (the evaluation report's curves: evaluate/history-report.ts). */
  failure_label: number[];
  calibration: DriftCalibration;
}

/** The readings of a seeded sample of rows (categories by level name, missing as null) and the test part's probabilities and labels. */
export function referenceSample(
  d: ContractData,
  fit: Pick<HistoryFit, "test">,
  seed: number,
): ReferenceSample {
  const t = d.telemetry;
  const rng = createRng(seed ^ 0x5eed);
  const idx = Array.from({ length: t.n }, (_, i) => i);
  const k = Math.min(REFERENCE_ROWS, t.n);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(t.n - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const rows = idx.slice(0, k).sort((a, b) => a - b);
  // A counter reading drifts by its rate, as the model and the live window see it, not its count.
  const values = telemetryRates(featurePlan(d.contract), t);
  const cell = (j: number, i: number): number | string | null => {
    const v = values[j][i];
    if (Number.isNaN(v)) return null;
    const r = d.contract.readings[j];
    return r.kind === "category" ? ((r.levels as string[])[v] ?? null) : v;
  };
  const columns: Record<string, (number | string | null)[]> = {};
  d.contract.readings.forEach((r, j) => {
    columns[r.name] = rows.map((i) => cell(j, i));
  });
  return {
    rows: k,
    columns,
    failure_probability: Array.from(fit.test.p),
    // Empty with the probabilities when the test part holds one class (no machine_failure metrics).
    failure_label: fit.test.p.length > 0 ? Array.from(fit.test.y) : [],
    calibration: calibrate(d, values, columns, cell),
  };
}

/** The reference as drift columns: numbers (NaN missing) or the category names present. */
export function referenceColumns(
  columns: Record<string, (number | string | null)[]>,
  categorical: (name: string) => boolean,
): Columns {
  const out: Columns = {};
  for (const [name, vals] of Object.entries(columns)) out[name] = driftColumn(vals, categorical(name));
  return out;
}

function driftColumn(vals: (number | string | null)[], categorical: boolean): Column {
  return categorical
    ? vals.filter((v): v is string | number => v !== null).map(String)
    : Float64Array.from(vals, (v) => (typeof v === "number" ? v : Number.NaN));
}

function calibrate(
  d: ContractData,
  values: Float64Array[],
  columns: Record<string, (number | string | null)[]>,
  cell: (j: number, i: number) => number | string | null,
): DriftCalibration {
  const t = d.telemetry;
  const order = Array.from({ length: t.n }, (_, i) => i).sort((a, b) => t.time[a] - t.time[b]);
  const isCategory = (name: string) =>
    d.contract.readings.some((r) => r.name === name && r.kind === "category");
  const series: Record<string, SeriesColumn> = {};
  d.contract.readings.forEach((r, j) => {
    series[r.name] =
      r.kind === "category"
        ? order.map((i) => {
            const v = cell(j, i);
            return v === null ? null : String(v);
          })
        : Float64Array.from(order, (i) => values[j][i]);
  });
  const times = Float64Array.from(order, (i) => t.time[i]);
  // A counter clock (rows, cycles) has no day: its window is the last rows only.
  const span = d.contract.time && !d.contract.time.counter ? DRIFT_WINDOW_MS : null;
  return calibrateDrift(referenceColumns(columns, isCategory), series, times, span);
}
