// Messages between the batch pool (batch-pool.ts, main thread) and its workers (batch-worker.ts).
import type { PredictionBatch } from "../store/types.js";

/** Model versions a worker keeps, oldest evicted first; the pool mirrors this to know what to resend. */
export const BUNDLES_KEPT = 3;

export type BatchRequest =
  /** A model version the worker keeps (bundleToJSON form); sent before the first batch that uses it. */
  | { op: "model"; version: string; bundle: object }
  /** The raw JSON body (its own ArrayBuffer, transferred) of a batch for model `version`. */
  | { op: "predict"; id: number; body: ArrayBuffer; version: string; requestId: string; maxBatch: number };

export type BatchReply =
  | {
      id: number;
      ok: true;
      /** The answer's JSON bytes (batchAnswer), transferred. */
      answer: ArrayBuffer;
      answerBytes: number;
      /** What to log, by column (its typed arrays transferred). */
      batch: PredictionBatch;
      failures: number;
    }
  /**
   * Not predicted here: the body is not a plain batch (scan-readings.ts hands it back) or the model
   * is missing. The main thread then handles it the ordinary way, with exactly the answer or error
   * it always gives.
   */
  | { id: number; ok: false; why: string };
