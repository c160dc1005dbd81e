// Messages between the batch pool (batch-pool.ts, main thread) and its workers (batch-worker.ts).
import type { JournalGroup } from "../store/sqlite-journal-codec.js";

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
      /** The answer's JSON bytes (answersBuffer), transferred. */
      answer: ArrayBuffer;
      answerBytes: number;
      /** The log records, packed as the SQLite journal packs them (sqlite-journal-codec.ts). */
      group: JournalGroup;
      failures: number;
      /** Failure probabilities in reading order. */
      failure: Float64Array;
    }
  /**
   * Not predicted here: the body is not a valid batch (or the model is missing). The main thread
   * then handles it the ordinary way, which gives exactly the error it always gave.
   */
  | { id: number; ok: false; why: string };
