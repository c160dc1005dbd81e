// The history log of a data-contract server: every reading it scored (with what it answered), every
// event it was told and every machine added to its machine table, in one sequence. Durable when a
// promise resolves; replayed in sequence order on start, which rebuilds each machine's history
// exactly as it was (a late event is replayed where it arrived, as it was applied). SQLite for one
// server (sqlite.ts); PostgreSQL for a cluster (postgres.ts), where every replica appends to one log
// and follows the others through it.
import type { MachineAttributes } from "../../contract/machine-table.js";
import type { WriteProblem } from "../write-problem.js";

export interface LoggedReading {
  id: string;
  machine: string;
  /** ms since the epoch, or the counter. */
  time: number;
  /** Contract reading order; null where missing. */
  values: (number | null)[];
  modelVersion: string;
  predictedAt: number;
  failureProbability: number;
  heads: Record<string, number | null>;
}

/**
 * One request's readings as they were scored, by column (what a LoggedReading each would hold): the
 * log packs them straight into its row (packed-columns.ts), no object per reading. NaN is null.
 */
export interface ReadingGroup {
  n: number;
  ids: readonly string[];
  machines: readonly string[];
  times: Float64Array;
  /** One column per contract reading, in contract order. */
  values: readonly Float64Array[];
  /**
   * The ids' ASCII when they are ours (uuidv7Many wrote it), 9 32-bit words (36 bytes) an id: the
   * board and the monitor keep ids as bytes (label-column.ts) and copy these a word at a time.
   */
  idWords?: Uint32Array;
  modelVersion: string;
  predictedAt: number;
  failure: Float64Array;
  /** The heads a LoggedReading names, in order, and each one's probabilities (null: no head, all null). */
  headNames: readonly string[];
  heads: readonly (Float64Array | null)[];
}

export interface LoggedEvent {
  /** The client's id: the same id twice is one event (idempotent). */
  id: string;
  table: string;
  machine: string;
  time: number;
  kind: string;
  receivedAt: number;
}

/**
 * A shadow model's score of a reading the champion answered, keyed by that answer's id (the
 * reading's id in the log), with the champion's score beside it: a copy, so reading the
 * comparison back needs no join on the log (which has no index on reading ids: it would cost
 * every answer's insert).
 */
export interface ShadowScore {
  id: string;
  machine: string;
  time: number;
  modelVersion: string;
  failureProbability: number;
  championVersion: string;
  championProbability: number;
  scoredAt: number;
}

/** ShadowScore's fields in the order a score is inserted (sqlite-shadow.ts, postgres.ts). */
export const SHADOW_SCORE_FIELDS = [
  "id",
  "machine",
  "time",
  "modelVersion",
  "failureProbability",
  "championVersion",
  "championProbability",
  "scoredAt",
] as const;

/**
 * The ground truth of one answer (a row-labelled contract: POST /v1/feedback), keyed by the answer's
 * id, which is its reading's id in the log: one label per prediction, the first one told.
 */
export interface LoggedLabel {
  id: string;
  /** 1: the row was a failure (the contract's label column). */
  label: 0 | 1;
  /** Per mode head the client named (the contract's mode names), sorted by name. */
  modes: Record<string, 0 | 1>;
  /** The labelled reading's machine and time, copied from it (the log's indexed columns). */
  machine: string;
  time: number;
  receivedAt: number;
}

/** A label as a client sends it; the log fills in the reading's machine and time. */
export type LabelIn = Pick<LoggedLabel, "id" | "label" | "modes" | "receivedAt">;

/** "unknown": no reading has the id; "conflict": it already has a different label, which stays. */
export type LabelOutcome = "accepted" | "duplicate" | "unknown" | "conflict";

/**
 * A machine put into the contract's machine table on the running server (PUT /v1/machines/{id}),
 * bought after the model was trained: its attributes by the contract's names, in contract order,
 * as the client gave them (a level the model never saw stays as written, so a retraining learns
 * it). The last entry of a machine is its attributes.
 */
export interface LoggedMachine {
  machine: string;
  attributes: MachineAttributes;
  receivedAt: number;
}

export type LogEntry =
  | { type: "reading"; reading: LoggedReading }
  | { type: "event"; event: LoggedEvent }
  | { type: "label"; label: LoggedLabel }
  | { type: "machine"; machine: LoggedMachine };

/** An entry with its place in the log: seqs grow with commit order (gaps allowed). */
export type SeqEntry = LogEntry & { seq: number };

/** What a step under the log's write lock decided to append, in the order it applied them. */
export interface StepOutput<T> {
  append: LogEntry[];
  result: T;
}

export interface HistoryLog {
  /**
   * True when other processes append to the same log (PostgreSQL): a server must then take in their
   * entries before each request (see `exclusive`). False for a file only this server writes.
   */
  readonly shared: boolean;
  /** Creates the table if missing (safe from several processes at once); checks the layout. */
  init(): Promise<void>;
  /** Durable when resolved; returns the seqs written, in order. */
  appendReadings(rows: LoggedReading[]): Promise<number[]>;
  /** The same rows as appendReadings(readingsOf(group)) writes, packed from the columns (the hot path). */
  appendReadingColumns(group: ReadingGroup): Promise<number[]>;
  /** Events with ids new to the log (an id already stored is ignored); returns the seqs written. */
  appendEvents(events: LoggedEvent[]): Promise<number[]>;
  /**
   * Labels for logged readings, under the log's write lock: each looked up by its reading's id and
   * against the label the log already has for it, and the new ones appended (labels.ts says how).
   * Durable when resolved; an outcome per label, in order.
   */
  appendLabels(labels: LabelIn[]): Promise<LabelOutcome[]>;
  /** Machines added to (or changed in) the machine table; durable when resolved; returns the seqs written. */
  appendMachines(machines: LoggedMachine[]): Promise<number[]>;
  /** Entries with seq > `seq`, in sequence order, at most `limit` (default: all). */
  entriesAfter(seq: number, limit?: number): Promise<SeqEntry[]>;
  /**
   * Runs `step` under the log's write lock (one writer in the whole cluster at a time): `step` gets
   * every entry after `afterSeq`, and what it returns is appended in the same transaction, after
   * them. So a step sees the log exactly up to where its own entries go: no other writer can slip
   * in between. Resolves once committed, with the seqs written and the last seq now in the log.
   */
  exclusive<T>(
    afterSeq: number,
    step: (entries: SeqEntry[]) => StepOutput<T>,
  ): Promise<{ result: T; seqs: number[]; lastSeq: number }>;
  /**
   * Logs shadow scores (shadow mode, serve/shadow/): not part of the history, so never replayed;
   * best effort, off the answer's path (a score already logged for that id and version is ignored).
   */
  appendShadow(rows: ShadowScore[]): Promise<void>;
  /** The newest shadow scores (at most `limit`), each beside the champion's answer, oldest first. */
  shadowScores(limit: number): Promise<ShadowScore[]>;
  /**
   * Why appends fail now, or null: the log's own state, no query (readiness asks it every probe).
   * SQLite: the file deleted or the disk full (re-checked with an fstat, and statfs while full;
   * `recheck` false: no fstat, as a request asks before it scores: its commit's fstat catches what
   * this misses). PostgreSQL: the last operation found the server unreachable; the next that
   * reaches it clears it.
   */
  writeProblem(recheck?: boolean): WriteProblem | null;
  close(): Promise<void>;
}
