// The scoring of one request's readings against the fleet's history: checked (time order per
// machine) before anything changes, then pushed and scored, answered in the contract's words and
// turned into the rows the history log keeps. The caller logs them (contract-service.ts).
import type { FeatureMatrix } from "../../features/build.js";
import { type ContractReason, explainReading } from "../../pipeline/contract-explain.js";
import type { ReadingColumns } from "../../pipeline/readings.js";
import type { FleetHistory } from "../../pipeline/scorer.js";
import type { LoggedReading } from "../../store/history/types.js";
import type { HistoryModel } from "../../train/history-model.js";
import { uuidv7Many } from "../ids.js";
import { type HistoryObserver, tellReading } from "./history-observer.js";

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

/** What a batch is scored with: the model served, its fleet history, and who sees each reading. */
export interface ScoringState {
  readonly model: HistoryModel;
  readonly fleet: FleetHistory;
  readonly observers: readonly HistoryObserver[];
}

/**
 * Checks (time order per machine; no time after `notAfter`), pushes and scores; throws before any
 * state changes.
 */
export function scoreBatch(
  state: ScoringState,
  notAfter: number,
  cols: ReadingColumns,
  items: readonly unknown[],
  single: boolean,
  explain: boolean,
): { answers: ContractAnswer[]; logged: LoggedReading[]; X: FeatureMatrix } {
  const { model: m, fleet } = state;
  fleet.check(cols, single, notAfter);
  const s = fleet.score(cols);
  const failure = s.heads.machine_failure as Float64Array;
  const kinds = m.headNames.filter((h) => h !== "machine_failure");
  const now = Date.now();
  // One object for every answer of the request: JSON writes it out the same each time.
  const model = { name: m.name, version: m.version };
  const answers: ContractAnswer[] = [];
  const logged: LoggedReading[] = [];
  const ids = uuidv7Many(cols.n, now);
  for (let i = 0; i < cols.n; i++) {
    const heads: Record<string, number | null> = {};
    let best: string | null = null;
    for (const k of kinds) {
      const p = s.heads[k];
      heads[k] = p ? p[i] : null;
      if (p && (best === null || p[i] > (heads[best] as number))) best = k;
    }
    const id = ids[i];
    const raw = (items[i] as Record<string, unknown>).timestamp;
    const answer: ContractAnswer = {
      id,
      machine_id: cols.machine[i],
      timestamp: typeof raw === "string" || typeof raw === "number" ? raw : i,
      failure_probability: failure[i],
      failure_predicted: failure[i] >= m.threshold.value,
      heads,
      likeliest_kind: best,
      model,
    };
    // Set after, not spread in (`...(explain ? {…} : {})` built a throwaway object per answer):
    // the same keys in the same order.
    if (explain)
      answer.explanation = explainReading(
        m,
        fleet.plan,
        s.X.data.subarray(i * s.X.nCols, (i + 1) * s.X.nCols),
      );
    answers.push(answer);
    const values = new Array<number | null>(cols.values.length);
    for (let j = 0; j < values.length; j++) {
      const v = cols.values[j][i];
      values[j] = Number.isNaN(v) ? null : v;
    }
    logged.push({
      id,
      machine: cols.machine[i],
      time: cols.time[i],
      values,
      modelVersion: m.version,
      predictedAt: now,
      failureProbability: failure[i],
      heads,
    });
  }
  logged.forEach((r, i) => {
    tellReading(state.observers, r, s.X.data.subarray(i * s.X.nCols, (i + 1) * s.X.nCols));
  });
  return { answers, logged, X: s.X };
}
