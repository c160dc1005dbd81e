// Shadow scores (shadow mode) as both stores' tables hold them: the same columns, so one row mapping.
import type { ShadowScoreRecord } from "./types.js";

export interface ShadowRow {
  prediction_id: string;
  model_version: string;
  failure_probability: number;
  champion_version: string;
  champion_probability: number;
  /** PostgreSQL returns a bigint as text. */
  scored_at: number | string;
}

export const shadowOfRow = (r: ShadowRow): ShadowScoreRecord => ({
  predictionId: r.prediction_id,
  modelVersion: r.model_version,
  failureProbability: r.failure_probability,
  championVersion: r.champion_version,
  championProbability: r.champion_probability,
  scoredAt: Number(r.scored_at),
});
