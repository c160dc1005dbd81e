// The scoring of one request's readings against the fleet's history: checked (time order per
// machine) before anything changes, then pushed and scored, answered in the contract's words and
// handed to the history log as columns (ReadingGroup: no object per reading). The caller logs them
// (contract-service.ts).
import type { FeatureMatrix } from "../../features/build.js";
import { type ContractReason, explainReading } from "../../pipeline/contract-explain.js";
import type { ReadingColumns } from "../../pipeline/readings.js";
import type { FleetHistory } from "../../pipeline/scorer.js";
import type { ReadingGroup } from "../../store/history/types.js";
import type { HistoryModel } from "../../train/history-model.js";
import { uuidv7Many } from "../ids.js";
import { type HistoryObserver, tellGroup } from "../../monitor/live/history-observer.js";
import { ID_WORDS } from "../../monitor/live/label-column.js";

/**
 * One answer of POST /v1/predict, as documented: answer-json.ts writes it from a ScoredBatch without
 * building it (the keys in this order).
 */
export interface ContractAnswer {
  id: string;
  machine_id: string;
  timestamp: string | number;
  failure_probability: number;
  failure_predicted: boolean;
  /** Probability of a failure of each kind within the horizon (null: a kind without a head). */
  heads: Record<string, number | null>;
  likeliest_kind: string | null;
  model: { name: string; version: string };
  /** With ?explain=true: the three largest reasons, in the contract's words. */
  explanation?: ContractReason[];
}

/** A request's readings scored, by column: what its answer (answer-json.ts) and its metrics are made of. */
export interface ScoredBatch {
  /** The readings as answered: machine, time, and `stamp` (the timestamp as written, which the answer echoes). */
  cols: Pick<ReadingColumns, "n" | "machine" | "time" | "stamp">;
  ids: string[];
  failure: Float64Array;
  threshold: number;
  /** The failure kinds (the model's heads but machine_failure) and each one's probabilities (null: no head). */
  kinds: readonly string[];
  heads: readonly (Float64Array | null)[];
  model: { name: string; version: string };
  /** With ?explain=true: per reading, the three largest reasons. */
  explanations: ContractReason[][] | null;
}

/** What a batch is scored with: the model served, its fleet history, and who sees each reading. */
export interface ScoringState {
  readonly model: HistoryModel;
  readonly fleet: FleetHistory;
  readonly observers: readonly HistoryObserver[];
}

/** Per model, once: the kinds and the model's name and version, the same objects for every answer (answer-json.ts keeps their JSON). */
const PARTS = new WeakMap<
  HistoryModel,
  { kinds: readonly string[]; model: { name: string; version: string } }
>();
function answerPartsOf(m: HistoryModel) {
  let p = PARTS.get(m);
  if (!p) {
    const kinds = m.headNames.filter((h) => h !== "machine_failure");
    PARTS.set(m, (p = { kinds, model: { name: m.name, version: m.version } }));
  }
  return p;
}

/**
 * Checks (time order per machine; no time after `notAfter`), pushes and scores; throws before any
 * state changes.
 */
export function scoreBatch(
  state: ScoringState,
  notAfter: number,
  cols: ReadingColumns,
  single: boolean,
  explain: boolean,
): { batch: ScoredBatch; group: ReadingGroup; X: FeatureMatrix } {
  const { model: m, fleet } = state;
  fleet.check(cols, single, notAfter);
  const s = fleet.score(cols);
  const failure = s.heads.machine_failure as Float64Array;
  const { kinds, model } = answerPartsOf(m);
  const heads = kinds.map((k) => s.heads[k] ?? null);
  const now = Date.now();
  const idWords = new Uint32Array(ID_WORDS * cols.n);
  const ids = uuidv7Many(cols.n, now, new Uint8Array(idWords.buffer));
  const nx = s.X.nCols;
  const group: ReadingGroup = {
    n: cols.n,
    ids,
    idWords,
    machines: cols.machine,
    times: cols.time,
    values: cols.values,
    modelVersion: m.version,
    predictedAt: now,
    failure,
    headNames: kinds,
    heads,
  };
  tellGroup(state.observers, group, s.X);
  const explanations = explain
    ? Array.from({ length: cols.n }, (_, i) =>
        explainReading(m, fleet.plan, s.X.data.subarray(i * nx, (i + 1) * nx)),
      )
    : null;
  const batch = { cols, ids, failure, threshold: m.threshold.value, kinds, heads, model, explanations };
  return { batch, group, X: s.X };
}

/**
 * Reading `i` of a scored batch as a batch of one: the single readings scored together in one turn
 * (contract-service.ts) are answered one by one, each as if it had come alone.
 */
export function rowOf(b: ScoredBatch, i: number): ScoredBatch {
  const c = b.cols;
  const one = (a: Float64Array) => a.subarray(i, i + 1);
  return {
    cols: { n: 1, machine: [c.machine[i]], time: one(c.time), stamp: c.stamp && [c.stamp[i]] },
    ids: [b.ids[i]],
    failure: one(b.failure),
    threshold: b.threshold,
    kinds: b.kinds,
    heads: b.heads.map((h) => (h ? one(h) : null)),
    model: b.model,
    explanations: null,
  };
}
