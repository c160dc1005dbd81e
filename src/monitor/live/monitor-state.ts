// What the contract monitor knows of one model version's production (monitor.ts reports it): its
// training reference, the recent readings, the failures told, the newest time seen per machine
// and, for a row-labelled contract, the labels sent for the recent readings by their ids.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { counterSlots } from "../../contract/types.js";
import { CONTRACT_QUALITY_WINDOW } from "../../core/limits.js";
import type { DriftCalibration } from "../drift-window.js";
import type { ReferenceSample } from "../../registry/reference-sample.js";
import type { HistoryModel } from "../../train/history-model.js";
import type { FeatureMatrix } from "../../features/build.js";
import type { ReadingGroup } from "../../store/history/types.js";
import type { HistoryObserver } from "./history-observer.js";
import { GroupWindows } from "./monitor-groups.js";
import { ID_WORDS, LabelColumn } from "./label-column.js";
import { ReadingRing, ringRows } from "./reading-ring.js";

/**
 * The fewest readings kept (the drift window is the last day of them, prediction drift all of them),
 * and the realised quality's window unless MILLWRIGHT_QUALITY_WINDOW says otherwise.
 */
export const RECENT_READINGS = CONTRACT_QUALITY_WINDOW;
export const MIN_CURRENT = 100;

export type Reference = Pick<
  ReferenceSample,
  "columns" | "failure_probability" | "groups" | "groups_skipped"
> & {
  /** Absent in a version trained before thresholds were calibrated. */
  calibration?: DriftCalibration;
};

/**
 * The labels of the readings in the window, by slot of the ring: a label names its reading by id,
 * so the window keeps each slot's id, and a map back built when a label comes (only for a
 * row-labelled contract: the others learn labels from failures, and pay nothing per reading for
 * this). Labels are rare beside readings: a map kept up to date on every reading was ~3 % of a
 * 1,000-reading batch's time; rebuilt per label request it is ~0.3 ms for the whole window.
 */
class WindowLabels {
  /** Per slot: its reading's id (kept as bytes, label-column.ts). */
  private readonly ids: LabelColumn;
  private slotOf: Map<string, number> | null = null;
  /** Per slot: -1 while unlabelled, else the label. */
  readonly truth: Int8Array;

  constructor(capacity: number) {
    this.ids = new LabelColumn(capacity);
    this.truth = new Int8Array(capacity).fill(-1);
  }

  /** Slot `s` now holds reading `id`: the reading it held is out of the window, its label with it. */
  took(s: number, id: string, words?: Uint32Array, at?: number): void {
    this.ids.set(s, id, words, at);
    this.truth[s] = -1;
    this.slotOf = null;
  }

  /** A label for a reading no longer in the window is logged, but is not the window's to count. */
  label(id: string, y: 0 | 1): void {
    if (!this.slotOf) {
      this.slotOf = new Map();
      for (let s = 0; s < this.ids.capacity; s++) {
        const x = this.ids.get(s);
        if (x !== "") this.slotOf.set(x, s);
      }
    }
    const s = this.slotOf.get(id);
    if (s !== undefined) this.truth[s] = y;
  }
}

export class MonitorState implements HistoryObserver {
  readonly reference: Reference | null;
  /** The last `capacity` scored readings (machine, time, p, values as logged): columns, no garbage. */
  private recent: ReadingRing;
  /** Readings kept: RECENT_READINGS, or the quality window when that is longer. */
  private readonly capacity: number;
  private labels: WindowLabels | null;
  readonly failures: { machine: string; time: number }[] = [];
  readonly seen = new Map<string, number>();
  /** The counter readings' indices: their feature slot holds the rate the drift test compares. */
  private readonly counters: number[];
  /** Each group of machines' own window (`monitor.drift_by`); null: the fleet's test only. */
  groups: GroupWindows | null;

  constructor(
    readonly model: HistoryModel,
    versionDir: string,
    /** The realised (and estimated) quality's window: the last this many readings (MILLWRIGHT_QUALITY_WINDOW). */
    readonly window = RECENT_READINGS,
  ) {
    let ref: Reference | null = null;
    try {
      ref = JSON.parse(readFileSync(join(versionDir, "reference.json"), "utf8")) as Reference;
    } catch {
      ref = null; // a version without a reference sample: quality only
    }
    this.reference = ref;
    this.capacity = Math.max(RECENT_READINGS, window);
    this.recent = new ReadingRing(this.capacity, model.contract.readings.length);
    this.labels = this.windowLabels();
    this.counters = counterSlots(model.contract);
    this.groups = GroupWindows.of(model.contract, ref);
  }

  private windowLabels(): WindowLabels | null {
    return this.model.contract.failures ? null : new WindowLabels(this.capacity);
  }

  /** The recent readings, oldest first, with category readings by name (built per report, not per reading). */
  recentRows(): ReturnType<typeof ringRows> {
    return ringRows(this.recent, this.model.contract.readings);
  }

  /** A row-labelled contract's labelled readings in the quality window, oldest first; null for the others. */
  rowLabels(): { y: number[]; p: number[] } | null {
    const l = this.labels;
    if (!l) return null;
    const r = this.recent;
    const y: number[] = [];
    const p: number[] = [];
    for (let i = Math.max(0, r.size - this.window); i < r.size; i++) {
      const s = r.slot(i);
      if (l.truth[s] < 0) continue;
      y.push(l.truth[s]);
      p.push(r.probability(s));
    }
    return { y, p };
  }

  private see(machine: string, time: number): void {
    if (time > (this.seen.get(machine) ?? Number.NEGATIVE_INFINITY)) this.seen.set(machine, time);
  }

  /** The history is replayed from the start (cluster mode): forget it, or it would count twice. */
  reset(): void {
    this.recent = new ReadingRing(this.capacity, this.model.contract.readings.length);
    this.labels = this.windowLabels();
    this.groups = GroupWindows.of(this.model.contract, this.reference);
    this.failures.length = 0;
    this.seen.clear();
  }

  /**
   * Scored readings: values in contract order as logged (category codes, missing as NaN). A counter
   * reading is kept as its rate, from the feature rows (the reference holds rates: reference-sample.ts).
   */
  group(g: ReadingGroup, X: FeatureMatrix): void {
    const values = this.counters.length > 0 ? this.withRates(g, X) : g.values;
    for (let i = 0; i < g.n; i++) {
      const machine = g.machines[i];
      const time = g.times[i];
      this.see(machine, time);
      const s = this.recent.push(machine, time, 0, g.failure[i], values, i);
      this.groups?.reading(machine, time, values, i);
      this.labels?.took(s, g.ids[i], g.idWords, i * ID_WORDS);
    }
  }

  /** The group's value columns with each counter reading's replaced by its rate (its slot of the feature rows). */
  private withRates(g: ReadingGroup, X: FeatureMatrix): Float64Array[] {
    const cols = g.values.slice();
    for (const j of this.counters) {
      const rate = new Float64Array(g.n);
      for (let i = 0; i < g.n; i++) rate[i] = X.data[i * X.nCols + j];
      cols[j] = rate;
    }
    return cols;
  }

  event(table: string, machine: string, time: number): void {
    this.see(machine, time);
    if (table === "failures") this.failures.push({ machine, time });
  }

  label(id: string, y: 0 | 1): void {
    this.labels?.label(id, y);
  }
}
