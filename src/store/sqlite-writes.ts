// The SQLite store's writes (prediction groups, feedback, snapshot/audit inserts) on one connection,
// shared by the two ways of running them: inline on the main thread (InlineWriter, the default) and
// on the writer thread (sqlite-writer-worker.ts). Both apply requests in call order.
import type Database from "better-sqlite3";
import { PREDICTION_COLUMNS, sameLabel } from "./rows.js";
import {
  columnValues,
  type PredictionColumns,
  type WriterFeedback,
  type WriterRequest,
} from "./sqlite-writer-protocol.js";

/** A request without its id (the thread protocol numbers them). */
export type WriteRequest = WriterRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, "id">
    : never
  : never;

/** What SqliteStore writes through: InlineWriter or SqliteWriter (thread). */
export interface Writer {
  alive(): boolean;
  /** Settles after the write committed (or failed); `transfer` only matters across threads. */
  request(req: WriteRequest, transfer?: ArrayBuffer[]): Promise<unknown>;
  close(): Promise<void>;
}

/** Prepares the write statements on `db`; `apply` runs one request and returns its result. */
export function prepareWrites(db: Database.Database): (req: WriteRequest) => unknown {
  // OR IGNORE: a replayed record (spool, retry after an unknown commit outcome) is never duplicated.
  const insertPrediction = db.prepare(
    `INSERT OR IGNORE INTO predictions (${PREDICTION_COLUMNS.join(", ")}) VALUES (${PREDICTION_COLUMNS.map(() => "?").join(", ")})`,
  );
  const logGroup = db.transaction((cols: PredictionColumns) => {
    for (let i = 0; i < cols.n; i++) insertPrediction.run(columnValues(cols, i));
  });
  const known = db.prepare("SELECT 1 AS x FROM predictions WHERE id = ?");
  const existing = db.prepare("SELECT machine_failure, modes FROM feedback WHERE prediction_id = ?");
  const insertFeedback = db.prepare(
    "INSERT INTO feedback (prediction_id, machine_failure, modes, received_at) VALUES (?, ?, ?, ?)",
  );
  const feedback = db.transaction((items: WriterFeedback[]) =>
    items.map((item) => {
      if (!known.get(item.predictionId)) return "unknown";
      const prev = existing.get(item.predictionId) as { machine_failure: number; modes: string } | undefined;
      if (prev) {
        // The first label wins; a different one is reported, not applied (see README "Feedback").
        const same = sameLabel(
          { machineFailure: prev.machine_failure, modes: JSON.parse(prev.modes) },
          { machineFailure: item.machineFailure, modes: item.modes },
        );
        return same ? "duplicate" : "conflict";
      }
      insertFeedback.run(item.predictionId, item.machineFailure, JSON.stringify(item.modes), item.receivedAt);
      return "accepted";
    }),
  );
  const stmts = new Map<string, Database.Statement>();
  return (req) => {
    switch (req.op) {
      case "log":
        logGroup(req.cols);
        return undefined;
      case "feedback":
        return feedback(req.items);
      case "run": {
        let s = stmts.get(req.sql);
        if (!s) {
          s = db.prepare(req.sql);
          stmts.set(req.sql, s);
        }
        s.run(...req.params);
        return undefined;
      }
      case "close":
        return undefined; // the owner closes the connection
    }
  };
}

/** Writes on the calling thread: the commit's fsync blocks the event loop (the measured default). */
export class InlineWriter implements Writer {
  private readonly apply: (req: WriteRequest) => unknown;

  constructor(db: Database.Database) {
    this.apply = prepareWrites(db);
  }

  alive(): boolean {
    return true;
  }

  async request(req: WriteRequest): Promise<unknown> {
    return this.apply(req);
  }

  /** The same, synchronously: the group-commit path skips a promise per flush. */
  applyNow(req: WriteRequest): unknown {
    return this.apply(req);
  }

  async close(): Promise<void> {}
}
