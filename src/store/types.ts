// The prediction log and ground-truth store. Every implementation (SQLite embedded, PostgreSQL in a
// cluster) passes the same contract suite in test/store/contract.ts. SQL and connections stay inside
// implementations; callers only see this interface.
import type { Reading } from "../data/schema.js";
import type { WriteProblem } from "./file-watch.js";

export type { WriteProblem } from "./file-watch.js";

export interface PredictionRecord {
  /** The id the API returned (UUID v7-like, time-ordered). */
  id: string;
  requestId: string;
  modelName: string;
  modelVersion: string;
  /** Milliseconds since the epoch. */
  predictedAt: number;
  reading: Reading;
  failureProbability: number;
  failurePredicted: boolean;
  /** Failure-mode probabilities, e.g. { twf: 0.01, hdf: 0.2, pwf: 0, osf: null } (null: the model has no such head). */
  modes: Record<string, number | null>;
}

/**
 * The predictions of one request, by column: what /v1/predict and the OIP route log without
 * building a PredictionRecord per reading (serve/predict-columns.ts). `batchRecords` (batch.ts)
 * turns it into exactly the records it stands for; a store without a columnar path logs those.
 */
export interface PredictionBatch {
  n: number;
  ids: string[];
  requestId: string;
  modelName: string;
  modelVersion: string;
  predictedAt: number;
  /** Product type of each record: an index into PRODUCT_TYPES. */
  type: Uint8Array;
  /** The RAW_FEATURES of each record, row-major (n × 5). */
  raw: Float64Array;
  failureProbability: Float64Array;
  /** 1 where the failure was predicted. */
  failurePredicted: Uint8Array;
  /** The keys of every record's modes, in order. */
  modeKeys: string[];
  /** n × modeKeys.length; NaN stands for a null mode (a head the model does not have). */
  modes: Float64Array;
  /** Per record, or null when no record has the field. */
  machineId: (string | undefined)[] | null;
  machineModel: (string | undefined)[] | null;
  timestamp: (string | undefined)[] | null;
}

export interface FeedbackItem {
  predictionId: string;
  machineFailure: 0 | 1;
  modes?: Partial<Record<"twf" | "hdf" | "pwf" | "osf" | "rnf", 0 | 1>>;
  /** Milliseconds since the epoch; defaults to now. */
  receivedAt?: number;
}

export type FeedbackOutcome = "accepted" | "duplicate" | "unknown" | "conflict";

export interface LabelledPrediction extends PredictionRecord {
  label: { machineFailure: 0 | 1; modes: Record<string, 0 | 1>; receivedAt: number } | null;
}

/**
 * A shadow model's score of an answered prediction (shadow mode, serve/ai4i-shadow.ts), keyed by
 * the answer's id, with the champion's version and score copied in: reading the comparison back
 * needs no join on the log.
 */
export interface ShadowScoreRecord {
  predictionId: string;
  modelVersion: string;
  failureProbability: number;
  championVersion: string;
  championProbability: number;
  /** Milliseconds since the epoch. */
  scoredAt: number;
}

export interface QueryOptions {
  /** Only predictions at or after this time (ms). */
  since?: number;
  /** Only predictions that have a label. */
  labelled?: boolean;
  /** Most recent N (ordered by time ascending in the result). */
  limit?: number;
  modelVersion?: string;
}

export interface MonitorSnapshot {
  at: number;
  modelVersion: string;
  /** The JSON the monitor computed (drift, quality), stored as history. */
  payload: unknown;
}

/** A data-contract server's monitoring history (beside its retraining audit: serve/contract/audit*.ts). */
export interface MonitorSnapshotStore {
  /**
   * Keeps `s` (and only the newest MONITOR_HISTORY_KEEP); with `unlessAfter`, not when a snapshot
   * newer than that is kept already (decided atomically: replicas sharing the history on a timer
   * keep one point per interval between them). True when kept.
   */
  saveSnapshot(s: MonitorSnapshot, unlessAfter?: number): Promise<boolean>;
  /** The `limit` most recent snapshots, newest first. */
  listSnapshots(limit: number): Promise<MonitorSnapshot[]>;
}

export interface AuditEvent {
  at: number;
  kind: string;
  payload: unknown;
}

/** An audit event as stored, with its id: the cursor for paging (ids grow with insertion). */
export interface StoredAuditEvent extends AuditEvent {
  id: number;
}

export interface AuditQuery {
  /** Only these kinds (default: every kind). */
  kinds?: string[];
  /** At most this many (default 100). */
  limit?: number;
  /** Only events with an id below this: the next page after a page whose last id this is. */
  before?: number;
}

export interface PredictionStore {
  readonly kind: "sqlite" | "postgres";
  /** Creates tables / applies migrations; safe to call from several processes at once. */
  init(): Promise<void>;
  /** Durable when the promise resolves (implementations group-commit concurrent calls). */
  logPredictions(records: PredictionRecord[]): Promise<void>;
  /**
   * The same for a columnar batch, where the store has a faster way than its records (SQLite packs
   * it straight into a journal group). Call it through logBatch() in batch.ts, which falls back to
   * logPredictions(batchRecords(b)).
   */
  logBatch?(b: PredictionBatch): Promise<void>;
  /**
   * Idempotent: the same label twice counts once. One outcome per item, in order: "unknown" (no such
   * prediction), "accepted", "duplicate" (same machine_failure and modes as the stored label), or
   * "conflict" (a different label for an already-labelled prediction: the first label is kept).
   */
  addFeedback(items: FeedbackItem[]): Promise<FeedbackOutcome[]>;
  getPrediction(id: string): Promise<LabelledPrediction | null>;
  /** Streams in ascending time order. */
  queryPredictions(opts: QueryOptions): AsyncIterable<LabelledPrediction>;
  countPredictions(opts?: QueryOptions): Promise<number>;
  saveSnapshot(s: MonitorSnapshot): Promise<void>;
  /** The `limit` most recent snapshots, newest first. */
  listSnapshots(limit: number): Promise<MonitorSnapshot[]>;
  appendAudit(e: AuditEvent): Promise<void>;
  /** The `limit` (default 100) most recent events, of one kind if given, newest first. */
  listAudit(kind?: string, limit?: number): Promise<AuditEvent[]>;
  /** Events newest first (by id), filtered by kind in the database, paged by id. */
  pageAudit(q: AuditQuery): Promise<StoredAuditEvent[]>;
  /**
   * Records that an alert with this fingerprint was seen at `at` and returns when it was seen
   * before (null: never, or before `forgetBefore`). Atomic, and kept in the database, so
   * deduplication survives a restart and holds across replicas. Sightings before `forgetBefore`
   * are deleted.
   */
  seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null>;
  /**
   * Logs shadow scores: best effort (no fsync of their own, never spooled), so they never make the
   * answers' commits wait. A score logged twice for one prediction and version is kept once.
   */
  logShadow(rows: ShadowScoreRecord[]): Promise<void>;
  /** The newest `limit` shadow scores, oldest first. */
  shadowScores(limit: number): Promise<ShadowScoreRecord[]>;
  /** True when the backing database answers. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
  /** ResilientStore: true while records are spooled locally instead of in the database (readiness, metrics). */
  degraded?(): boolean;
  /** ResilientStore: records waiting in the local spool. */
  spoolSize?(): number;
  /**
   * Why prediction writes are refused right now (the disk is full, the file was deleted while
   * serving), or null. Readiness turns false while there is one.
   */
  writeProblem?(): WriteProblem | null;
  /** Group-commit counters since start. */
  stats?(): StoreStats;
}

export interface StoreStats {
  /** Transactions that wrote prediction records. */
  flushes: number;
  /** Records committed. */
  records: number;
  failedFlushes: number;
}
