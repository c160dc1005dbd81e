// Shadow scores as the SQLite log keeps them: a group of scores in one row (the ids as a JSON text,
// the numbers as one blob), not a row each. The shadow rides in the answers' own commits
// (store/shadow-rides.ts), and a row per score in a table keyed by prediction id cost each commit
// 7.7 µs of CPU per prediction and 2.3 times the wall time (0.45 → 1.03 ms for 64); one row per
// group costs 1.1 µs and no commit time (bench/shadow-log.ts, BENCHMARKS.md): the same reason the
// predictions go through a journal (journal.ts). Pure: packing runs on the main thread, so what
// crosses to the writer thread is one string and one transferable buffer per group, not thousands
// of objects.
import { float64sOf, runsOf } from "../shadow-rows.js";
import type { ShadowScoreRecord } from "../types.js";

/** Scores of one shadow version against one champion version, in the order they were scored. */
export interface PackedShadow {
  modelVersion: string;
  championVersion: string;
  n: number;
  /** JSON array of the prediction ids. */
  ids: string;
  /** n × [shadow's probability, champion's probability, scored at (ms)], row-major. */
  scores: Float64Array;
}

const PER = 3;

/** `rows` as groups: a new group wherever the shadow or champion version changes. */
export function packShadow(rows: readonly ShadowScoreRecord[]): PackedShadow[] {
  const same = (i: number, k: number) =>
    rows[k].modelVersion === rows[i].modelVersion && rows[k].championVersion === rows[i].championVersion;
  return runsOf(rows.length, same).map(([i, j]) => {
    const scores = new Float64Array((j - i) * PER);
    const ids: string[] = new Array(j - i);
    for (let k = i; k < j; k++) {
      const r = rows[k];
      const o = (k - i) * PER;
      scores[o] = r.failureProbability;
      scores[o + 1] = r.championProbability;
      scores[o + 2] = r.scoredAt;
      ids[k - i] = r.predictionId;
    }
    const { modelVersion, championVersion } = rows[i];
    return { modelVersion, championVersion, n: j - i, ids: JSON.stringify(ids), scores };
  });
}

/** A group as `shadow_score_groups` holds it. */
export interface PackedShadowRow {
  model_version: string;
  champion_version: string;
  ids: string;
  scores: Uint8Array;
}

/** One stored group back as records. */
export function unpackShadow(g: PackedShadowRow): ShadowScoreRecord[] {
  const ids = JSON.parse(g.ids) as string[];
  const scores = float64sOf(g.scores);
  return ids.map((predictionId, k) => ({
    predictionId,
    modelVersion: g.model_version,
    failureProbability: scores[k * PER],
    championVersion: g.champion_version,
    championProbability: scores[k * PER + 1],
    scoredAt: scores[k * PER + 2],
  }));
}
