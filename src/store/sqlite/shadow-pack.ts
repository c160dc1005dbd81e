// Shadow scores as the SQLite log keeps them: a group of scores in one row (the ids as a JSON text,
// the numbers as one blob), not a row each. The shadow rides in the answers' own commits
// (store/shadow-rides.ts), and a row per score in a table keyed by prediction id cost each commit
// 7.7 µs of CPU per prediction and 2.3 times the wall time (0.45 → 1.03 ms for 64); one row per
// group costs 1.1 µs and no commit time (bench/shadow-log.ts, BENCHMARKS.md): the same reason the
// predictions go through a journal (journal.ts). Pure: packing runs on the main thread, so what
// crosses to the writer thread is one string and one transferable buffer per group, not thousands
// of objects.
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
  const out: PackedShadow[] = [];
  let i = 0;
  while (i < rows.length) {
    const { modelVersion, championVersion } = rows[i];
    let j = i + 1;
    while (
      j < rows.length &&
      rows[j].modelVersion === modelVersion &&
      rows[j].championVersion === championVersion
    )
      j++;
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
    out.push({ modelVersion, championVersion, n: j - i, ids: JSON.stringify(ids), scores });
    i = j;
  }
  return out;
}

/** One stored group back as records. */
export function unpackShadow(g: {
  model_version: string;
  champion_version: string;
  ids: string;
  scores: Uint8Array;
}): ShadowScoreRecord[] {
  const ids = JSON.parse(g.ids) as string[];
  // A Buffer from SQLite may sit at any offset of a shared pool: copy to an aligned array.
  const scores = new Float64Array(new Uint8Array(g.scores).buffer);
  return ids.map((predictionId, k) => ({
    predictionId,
    modelVersion: g.model_version,
    failureProbability: scores[k * PER],
    championVersion: g.champion_version,
    championProbability: scores[k * PER + 1],
    scoredAt: scores[k * PER + 2],
  }));
}
