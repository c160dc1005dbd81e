// Who else sees the contract server's history (the monitor, the board): what they are told of each
// reading and event applied, live, replayed or caught up, and the one way a reading is told.
import type { FeatureMatrix } from "../../features/build.js";
import type { HistoryModel } from "../../train/history-model.js";
import type { LoggedEvent, LoggedReading, ReadingGroup } from "../../store/history/types.js";

/**
 * Who else sees every reading and event applied (the monitor, the board), live, replayed or caught up.
 * Readings come as a scored group's columns, a request's at once (one reading when replayed): the
 * group and its feature rows are valid during the call only, so an observer copies what it keeps.
 * Why columns, not a call per reading: telling a 1,000-reading batch reading by reading (a values
 * array with nulls, a heads object by name) was a fifth of its main-thread time (profiled).
 */
export interface HistoryObserver {
  /** A scored group: row i of `X` is reading i's feature row. */
  group(g: ReadingGroup, X: FeatureMatrix): void;
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

/** Tells every observer of a request's readings, scored together (row i of `X` is reading i's). */
export function tellGroup(observers: readonly HistoryObserver[], g: ReadingGroup, X: FeatureMatrix): void {
  for (const o of observers) o.group(g, X);
}

/** One reading as a group of one, reused reading after reading (replays tell a reading at a time). */
const ONE = {
  n: 1,
  ids: [""],
  machines: [""],
  times: new Float64Array(1),
  values: [] as Float64Array[],
  modelVersion: "",
  predictedAt: 0,
  failure: new Float64Array(1),
  headNames: [] as string[],
  heads: [] as Float64Array[],
};
const ROW: FeatureMatrix = { data: new Float64Array(0), nRows: 1, nCols: 0 };

/** Tells every observer of a reading applied, with its feature row `x` (replayed or caught up). */
export function tellReading(observers: readonly HistoryObserver[], r: LoggedReading, x: Float64Array): void {
  ONE.ids[0] = r.id;
  ONE.machines[0] = r.machine;
  ONE.times[0] = r.time;
  ONE.failure[0] = r.failureProbability;
  ONE.modelVersion = r.modelVersion;
  ONE.predictedAt = r.predictedAt;
  while (ONE.values.length < r.values.length) ONE.values.push(new Float64Array(1));
  ONE.values.length = r.values.length;
  for (let j = 0; j < r.values.length; j++) ONE.values[j][0] = r.values[j] ?? Number.NaN;
  // The same names array while the heads' names stay the same (the rings work out their places once per array).
  let k = 0;
  let same = true;
  for (const name in r.heads) if (ONE.headNames[k++] !== name) same = false;
  if (!same || k !== ONE.headNames.length) ONE.headNames = Object.keys(r.heads);
  while (ONE.heads.length < ONE.headNames.length) ONE.heads.push(new Float64Array(1));
  for (let h = 0; h < ONE.headNames.length; h++) ONE.heads[h][0] = r.heads[ONE.headNames[h]] ?? Number.NaN;
  ROW.data = x;
  ROW.nCols = x.length;
  for (const o of observers) o.group(ONE, ROW);
}

/** Tells every observer of an event applied (new or replayed). */
export function tellEvent(observers: readonly HistoryObserver[], e: LoggedEvent): void {
  for (const o of observers) o.event(e.table, e.machine, e.time, e);
}
