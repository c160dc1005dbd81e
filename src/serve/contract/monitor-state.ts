// What the contract monitor knows of one model version's production: the version's training
// reference (reference.json) and the readings, failures and machine clocks it has seen since. The
// monitor (monitor.ts) reports on it; a swap stages the next version's state and replays into it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DriftCalibration } from "../../monitor/drift-window.js";
import type { ReferenceSample } from "../../registry/reference-sample.js";
import type { HistoryModel } from "../../train/history-model.js";
import { ReadingRing } from "./reading-ring.js";
import type { HistoryObserver, LoggedValues } from "./contract-service.js";

/** Readings kept (the drift window is the last day of them), and the fewest for prediction drift. */
export const RECENT_READINGS = 5000;
export const MIN_CURRENT = 100;

type Reference = Pick<ReferenceSample, "columns" | "failure_probability"> & {
  /** Absent in a version trained before thresholds were calibrated. */
  calibration?: DriftCalibration;
};

/** What the monitor knows of one model version's production: its reference and what it has seen. */
export class MonitorState implements HistoryObserver {
  readonly reference: Reference | null;
  /** The last RECENT_READINGS scored readings (machine, time, p, values as logged): columns, no garbage. */
  private recent: ReadingRing;
  readonly failures: { machine: string; time: number }[] = [];
  readonly seen = new Map<string, number>();

  constructor(
    readonly model: HistoryModel,
    versionDir: string,
  ) {
    let ref: Reference | null = null;
    try {
      ref = JSON.parse(readFileSync(join(versionDir, "reference.json"), "utf8")) as Reference;
    } catch {
      ref = null; // a version without a reference sample: quality only
    }
    this.reference = ref;
    this.recent = new ReadingRing(RECENT_READINGS, model.contract.readings.length);
  }

  /** The recent readings, oldest first, with category readings by name (built per report, not per reading). */
  recentRows(): { machine: string; time: number; p: number; values: (number | string | null)[] }[] {
    const r = this.recent;
    const readings = this.model.contract.readings;
    const out = [];
    for (let i = 0; i < r.size; i++) {
      const s = r.slot(i);
      const values = r
        .valuesAt(s)
        .map((v, j) =>
          v !== null && readings[j]?.kind === "category" ? (readings[j].levels?.[v] ?? null) : v,
        );
      out.push({ machine: r.label[s], time: r.time[s], p: r.probability[s], values });
    }
    return out;
  }

  private see(machine: string, time: number): void {
    if (time > (this.seen.get(machine) ?? Number.NEGATIVE_INFINITY)) this.seen.set(machine, time);
  }

  /** The history is replayed from the start (cluster mode): forget it, or it would count twice. */
  reset(): void {
    this.recent = new ReadingRing(RECENT_READINGS, this.model.contract.readings.length);
    this.failures.length = 0;
    this.seen.clear();
  }

  /** A scored reading: values in contract order as logged (category codes, missing as null). */
  reading(machine: string, time: number, p: number, values: LoggedValues): void {
    this.see(machine, time);
    this.recent.push(machine, time, 0, p, values);
  }

  event(table: string, machine: string, time: number): void {
    this.see(machine, time);
    if (table === "failures") this.failures.push({ machine, time });
  }
}
