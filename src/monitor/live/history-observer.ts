// Who else sees the contract server's history (the monitor, the board): what they are told of each
// reading and event applied, live, replayed or caught up, and the one way a reading is told.
import type { FeatureMatrix } from "../../features/build.js";
import type { HistoryModel } from "../../train/history-model.js";
import type { LoggedEvent, LoggedReading, ReadingGroup } from "../../store/history/types.js";

/** More about a scored reading, for observers that show it (the fleet board): valid during the call only. */
export interface ReadingDetail {
  id: string;
  predictedAt: number;
  heads: Record<string, number | null>;
  /** The reading's feature row: valid during the call only (copy it to keep it). */
  x: Float64Array;
}

/**
 * A reading's values in contract order as logged (category codes; null where missing). Valid during
 * the call only, as the detail: a scored group tells every reading with one array (tellGroup).
 */
export type LoggedValues = readonly (number | null)[];

/** Who else sees every reading and event applied (the monitor, the board), live, replayed or caught up. */
export interface HistoryObserver {
  reading(machine: string, time: number, p: number, values: LoggedValues, detail?: ReadingDetail): void;
  event(table: string, machine: string, time: number, detail?: { id: string; kind: string }): void;
  /** The ground truth of the reading with this id (a row-labelled contract's feedback). */
  label?(id: string, label: 0 | 1): void;
  /** The history is about to be replayed from the start (cluster mode after a failed step): forget it. */
  reset?(): void;
  /**
   * A fresh copy for a replay beside the live history (a swap to another version, or the repair of a
   * failed append): filled by the replay, then `adopt`ed in the step that takes the replayed history.
   * An observer without it keeps what it was told.
   */
  restage?(model: HistoryModel, versionDir: string): Restaged;
}

/** An observer's copy being filled by a replay, and how the observer takes it over. */
export interface Restaged {
  observer: HistoryObserver;
  adopt(): void;
}

/** One detail for every reading told: observers copy what they keep (x is only valid during the call anyway). */
const DETAIL: ReadingDetail = { id: "", predictedAt: 0, heads: {}, x: new Float64Array(0) };

/** Tells every observer of a reading applied, with its feature row `x` (scored now or replayed). */
export function tellReading(observers: readonly HistoryObserver[], r: LoggedReading, x: Float64Array): void {
  DETAIL.id = r.id;
  DETAIL.predictedAt = r.predictedAt;
  DETAIL.heads = r.heads;
  DETAIL.x = x;
  for (const o of observers) o.reading(r.machine, r.time, r.failureProbability, r.values, DETAIL);
}

/**
 * One heads object per model's head names, filled in reading after reading (it is valid during the
 * call only, as the detail): a new object per request went through a map transition per head, a
 * tenth of telling a single reading (profiled). Its keys are always exactly the names.
 */
const HEADS = new WeakMap<readonly string[], Record<string, number | null>>();
function headsFor(names: readonly string[]): Record<string, number | null> {
  let h = HEADS.get(names);
  if (!h) HEADS.set(names, (h = Object.fromEntries(names.map((k) => [k, null]))));
  return h;
}

/**
 * Tells every observer of a request's readings, scored together (row i of `X` is reading i's), from
 * its columns: one values array and one heads object for the whole group, no object per reading.
 */
export function tellGroup(observers: readonly HistoryObserver[], g: ReadingGroup, X: FeatureMatrix): void {
  if (observers.length === 0) return;
  const values = new Array<number | null>(g.values.length);
  const heads = headsFor(g.headNames);
  DETAIL.predictedAt = g.predictedAt;
  DETAIL.heads = heads;
  // A batch's rows are copied, one after another, into one array (x is valid during the call only):
  // a view per reading was a sixth of tellGroup's own time (profiled). A single reading's is its matrix.
  const nc = X.nCols;
  const data = X.data;
  const row = g.n === 1 ? data : new Float64Array(nc);
  DETAIL.x = row;
  for (let i = 0; i < g.n; i++) {
    for (let j = 0; j < values.length; j++) {
      const v = g.values[j][i];
      values[j] = Number.isNaN(v) ? null : v;
    }
    for (let k = 0; k < g.headNames.length; k++) {
      const h = g.heads[k];
      heads[g.headNames[k]] = h ? h[i] : null;
    }
    DETAIL.id = g.ids[i];
    if (row !== data) for (let k = 0, o = i * nc; k < nc; k++) row[k] = data[o + k];
    for (const o of observers) o.reading(g.machines[i], g.times[i], g.failure[i], values, DETAIL);
  }
}

/** Tells every observer of an event applied (new or replayed). */
export function tellEvent(observers: readonly HistoryObserver[], e: LoggedEvent): void {
  for (const o of observers) o.event(e.table, e.machine, e.time, e);
}
