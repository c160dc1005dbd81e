// What a drift reference is made of, for the fleet (reference-sample.ts) and each group of machines
// (reference-groups.ts) alike: a seeded sample of rows, their readings by contract names (a
// counter's as its rate; categories by level name, missing as null), and the thresholds calibrated
// on the same rows' own full windows (monitor/drift-window.ts).
import type { Rng } from "../core/rng.js";
import type { ContractData } from "../data/contract-data.js";
import type { Column, Columns } from "../monitor/drift-report.js";
import {
  calibrateDrift,
  DRIFT_WINDOW_MS,
  DRIFT_WINDOW_ROWS,
  type DriftCalibration,
  type SeriesColumn,
} from "../monitor/drift-window.js";

/** Reading values per contract reading, row-aligned with the telemetry (telemetryRates' output). */
export type ReadingValues = Float64Array[];

/** `k` of `rows` (or of 0..n-1 when `rows` is a count) drawn without replacement, ascending. */
export function sampleRows(rows: number | readonly number[], k: number, rng: Rng): number[] {
  const idx = typeof rows === "number" ? Array.from({ length: rows }, (_, i) => i) : [...rows];
  const n = idx.length;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, m).sort((a, b) => a - b);
}

/** Reading `j`'s value at row `i` as the reference keeps it: a category by its level name, missing as null. */
export function cellOf(d: ContractData, values: ReadingValues) {
  return (j: number, i: number): number | string | null => {
    const v = values[j][i];
    if (Number.isNaN(v)) return null;
    const r = d.contract.readings[j];
    return r.kind === "category" ? ((r.levels as string[])[v] ?? null) : v;
  };
}

/** The readings of `rows`, by contract name. */
export function columnsAt(
  d: ContractData,
  values: ReadingValues,
  rows: readonly number[],
): Record<string, (number | string | null)[]> {
  const cell = cellOf(d, values);
  const columns: Record<string, (number | string | null)[]> = {};
  d.contract.readings.forEach((r, j) => {
    columns[r.name] = rows.map((i) => cell(j, i));
  });
  return columns;
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

/**
 * Thresholds for `columns` (a sample of `rows`) calibrated on the full windows of `rows` in time
 * order (every row of the telemetry when absent), each window at most `maxRows`.
 */
export function calibrateColumns(
  d: ContractData,
  values: ReadingValues,
  columns: Record<string, (number | string | null)[]>,
  rows?: readonly number[],
  maxRows = DRIFT_WINDOW_ROWS,
): DriftCalibration {
  const t = d.telemetry;
  const order = rows ? [...rows] : Array.from({ length: t.n }, (_, i) => i);
  order.sort((a, b) => t.time[a] - t.time[b]);
  const cell = cellOf(d, values);
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
  return calibrateDrift(referenceColumns(columns, isCategory), series, times, span, maxRows);
}
