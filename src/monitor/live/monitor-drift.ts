// Dataset drift of a contract model's recent readings (monitor.ts): the last day of readings (at most
// the window's rows), tested only once full, against the version's reference sample with the
// thresholds its training calibrated (monitor/drift-window.ts), and dataset drift from a third of
// the readings: a contract has a handful of readings, each a sensor, and with calibrated thresholds
// two sensors out of six past anything the training period showed is a changed shop (Evidently's
// drift_share 0.5 would need three). A version trained before the calibration keeps Evidently's
// default thresholds.
import type { Contract } from "../../contract/types.js";
import { type Columns, type DriftReport, driftReport } from "../drift-report.js";
import { isoMinute } from "../../core/fleet-time.js";
import { DRIFT_WINDOW_MS, DRIFT_WINDOW_ROWS, type DriftCalibration, liveWindow } from "../drift-window.js";
import { referenceColumns } from "../../registry/reference-sample.js";
import { getStatTest, isTestName, type TestName } from "../stats/registry.js";

/** Share of a contract's readings drifted at which its dataset drifted. */
export const CONTRACT_DRIFT_SHARE = 1 / 3;

export interface DriftWindow {
  rows: number;
  /** Hours between the window's oldest and newest reading. */
  hours: number;
  /**
   * False until the window covers its whole span (or its row cap), or while it holds under a tenth of
   * the readings and at most half the machines of the window before it (drift-window.ts
   * MIN_WINDOW_SHARE): no drift is tested then.
   */
  full: boolean;
  /** The span asked for, in hours; null on a counter clock (rows only). */
  span_hours: number | null;
  /**
   * Only when some machine's newest reading is more than 12 h past the fleet's (core/fleet-time.ts):
   * those machines, most ahead first. The window ends at the fleet's time, so their readings past it
   * are not tested (a controller clock running fast?).
   */
  leading?: {
    machine_id: string;
    newest: string;
    /** What the lead is measured from: the newest reading of the machine a quarter of the fleet from the top. */
    fleet: string;
    /** The fleet's time, where the window ends: the newest reading of the machines that do not lead. */
    fleet_time: string;
    lead_hours: number;
  }[];
}

interface Recent {
  /** Absent: the window ends at the newest reading (no machine can lead). */
  machine?: string;
  time: number;
  values: (number | string | null)[];
}

export function contractDrift<R extends Recent>(
  contract: Contract,
  reference: { columns: Record<string, (number | string | null)[]>; calibration?: DriftCalibration },
  recent: readonly R[],
  /** The share of the `tested` readings at which the dataset drifted (a group's: one reading). */
  shareOf: (tested: number) => number = () => CONTRACT_DRIFT_SHARE,
): { drift: DriftReport | null; window: DriftWindow; rows: R[] } {
  const span = contract.time && !contract.time.counter ? DRIFT_WINDOW_MS : null;
  const rows = [...recent].sort((a, b) => a.time - b.time);
  // A group's window holds fewer rows than the fleet's (GROUP_WINDOW_ROWS): as its calibration did.
  const w = liveWindow(
    rows.map((r) => r.time),
    rows.map((r) => r.machine ?? ""),
    span,
    reference.calibration?.max_rows ?? DRIFT_WINDOW_ROWS,
  );
  const cur = rows.slice(w.from, w.to);
  const hours = cur.length > 0 ? (cur[cur.length - 1].time - cur[0].time) / 3_600_000 : 0;
  const window: DriftWindow = {
    rows: cur.length,
    hours: Math.round(hours * 100) / 100,
    full: w.full,
    span_hours: span === null ? null : span / 3_600_000,
  };
  if (w.leading.length > 0 && w.reference !== null && w.end !== null) {
    const ref = w.reference;
    const end = w.end;
    window.leading = w.leading.map((l) => ({
      machine_id: l.machine,
      newest: isoMinute(l.time),
      fleet: isoMinute(ref),
      fleet_time: isoMinute(end),
      lead_hours: Math.round((l.lead_ms / 3_600_000) * 10) / 10,
    }));
  }
  if (!w.full) return { drift: null, window, rows: cur };
  const categorical = (name: string) =>
    contract.readings.some((r) => r.name === name && r.kind === "category");
  const refAll = referenceColumns(reference.columns, categorical);
  const ref: Columns = {};
  const now: Record<string, (number | string | null)[]> = {};
  contract.readings.forEach((r, j) => {
    if (refAll[r.name]) now[r.name] = cur.map((x) => x.values[j]);
  });
  const curAll = referenceColumns(now, categorical);
  const current: Columns = {};
  // A reading no machine in the window has (an optional sensor) cannot be tested: leave it out.
  for (const k of Object.keys(curAll))
    if (count(refAll[k]) > 0 && count(curAll[k]) > 0) {
      ref[k] = refAll[k];
      current[k] = curAll[k];
    }
  if (Object.keys(ref).length === 0) return { drift: null, window, rows: cur };
  // Each threshold belongs to the test it was calibrated with, and is used only where that test
  // takes the reading's kind: a sensor a group's training window held a stray value or two of (a
  // make without it) was calibrated as categories (Evidently's choice for ≤ 5 values), and forcing
  // that test on the numbers it has now threw, every monitor tick, until the process died (trial 4).
  // Such a reading gets the default test and threshold.
  const tests: Record<string, TestName> = {};
  const thresholds: Record<string, number> = {};
  for (const [k, f] of Object.entries(reference.calibration?.features ?? {})) {
    if (
      !isTestName(f.test) ||
      !getStatTest(f.test).kinds.includes(categorical(k) ? "categorical" : "numeric")
    )
      continue;
    tests[k] = f.test;
    thresholds[k] = f.threshold;
  }
  return {
    drift: driftReport(ref, current, {
      tests,
      thresholds,
      shareThreshold: shareOf(Object.keys(ref).length),
    }),
    window,
    rows: cur,
  };
}

function count(x: Columns[string]): number {
  if (!(x instanceof Float64Array)) return x.length;
  let n = 0;
  for (const v of x) if (!Number.isNaN(v)) n++;
  return n;
}
