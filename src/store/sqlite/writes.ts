// The SQLite store's writes (feedback, snapshot/audit inserts, and predictions for the inline mode)
// on one connection, shared by the two ways of running them: inline on the main thread
// (InlineWriter: in-memory databases, or MILLWRIGHT_SQLITE_WRITER_THREAD=0) and on the writer thread
// (writer-worker.ts, which appends predictions to the journal instead). Both apply requests
// in call order.
import type Database from "better-sqlite3";
import { PREDICTION_COLUMNS, predictionValues, sameLabel } from "../rows.js";
import { COMPACT_CHUNK, Journal } from "./journal.js";
import type { WriterFeedback, WriterRequest } from "./writer-protocol.js";
import type { PredictionRecord } from "../types.js";
import type { PackedShadow } from "./shadow-pack.js";

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

/** Feedback, audit and snapshot writes: request kinds both writers apply the same way. */
export type SharedRequest = Extract<WriteRequest, { op: "feedback" | "run" | "seen" | "shadow" }>;

/** Prepares the shared write statements on `db`; `apply` runs one request and returns its result. */
export function prepareWrites(db: Database.Database): (req: SharedRequest) => unknown {
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
  const lastSeen = db.prepare("SELECT last_seen FROM alert_fingerprints WHERE fingerprint = ?");
  const upsertSeen = db.prepare(
    "INSERT INTO alert_fingerprints (fingerprint, last_seen) VALUES (?, ?) ON CONFLICT (fingerprint) DO UPDATE SET last_seen = excluded.last_seen",
  );
  const forget = db.prepare("DELETE FROM alert_fingerprints WHERE last_seen < ?");
  const seen = db.transaction((fp: string, at: number, forgetBefore: number): number | null => {
    const prev = lastSeen.get(fp) as { last_seen: number } | undefined;
    forget.run(forgetBefore);
    upsertSeen.run(fp, at);
    return prev && prev.last_seen >= forgetBefore ? prev.last_seen : null;
  });
  const shadowTx = prepareShadowRows(db);
  // Shadow scores are best effort: their commit skips the fsync (synchronous=NORMAL for that one
  // transaction; in WAL mode its frames reach the disk with the next FULL commit or checkpoint), so
  // they never make the answers' commits on this connection wait for a second fsync.
  const shadow = (groups: PackedShadow[]) => {
    db.pragma("synchronous = NORMAL");
    try {
      shadowTx(groups);
    } finally {
      db.pragma("synchronous = FULL");
    }
  };
  const stmts = new Map<string, Database.Statement>();
  return (req) => {
    if (req.op === "feedback") return feedback(req.items);
    if (req.op === "shadow") return shadow(req.groups);
    if (req.op === "seen") return seen(req.fingerprint, req.at, req.forgetBefore);
    let s = stmts.get(req.sql);
    if (!s) {
      s = db.prepare(req.sql);
      stmts.set(req.sql, s);
    }
    s.run(...req.params);
    return undefined;
  };
}

/**
 * Writes on the calling thread, predictions straight into the table (no journal): each commit's
 * fsync blocks the event loop. For in-memory databases, which a thread cannot open, and as the
 * fallback when the writer thread is switched off.
 */
export class InlineWriter implements Writer {
  private readonly apply: (req: SharedRequest) => unknown;
  private readonly insertAll: (records: readonly PredictionRecord[]) => void;

  constructor(db: Database.Database) {
    this.apply = prepareWrites(db);
    // OR IGNORE: a replayed record (spool, retry after an unknown commit outcome) is never duplicated.
    const insert = db.prepare(
      `INSERT OR IGNORE INTO predictions (${PREDICTION_COLUMNS.join(", ")}) VALUES (${PREDICTION_COLUMNS.map(() => "?").join(", ")})`,
    );
    const bool = (b: boolean) => (b ? 1 : 0);
    this.insertAll = db.transaction((records: readonly PredictionRecord[]) => {
      for (const r of records) insert.run(predictionValues(r, bool));
    });
    // A journal left by a writer thread (a crash, or the thread switched off since) is moved now,
    // so this mode's reads see those records too.
    const journal = new Journal(db);
    while (journal.step(COMPACT_CHUNK) > 0) {}
  }

  alive(): boolean {
    return true;
  }

  async request(req: WriteRequest): Promise<unknown> {
    if (req.op === "feedback" || req.op === "run" || req.op === "seen" || req.op === "shadow")
      return this.apply(req);
    // Predictions go through logNow(); a group meant for the thread's journal must not vanish here.
    if (req.op === "log") throw new Error("InlineWriter: prediction groups are written with logNow()");
    return undefined; // "compact" and "close": nothing is journalled here; the owner closes the connection
  }

  /** Logs predictions synchronously, in one transaction: the group-commit path skips a promise per flush. */
  logNow(records: readonly PredictionRecord[]): void {
    this.insertAll(records);
  }

  async close(): Promise<void> {}
}

/**
 * Inserts groups of shadow scores (a row each: shadow-pack.ts), as a transaction function: on its
 * own, its own transaction; called inside another (the writer thread's answers' commit:
 * store/shadow-rides.ts), a savepoint, so rows that fail are rolled back alone and never fail the
 * answers they rode with.
 */
export function prepareShadowRows(db: Database.Database): (groups: PackedShadow[]) => void {
  const insert = db.prepare(
    "INSERT INTO shadow_score_groups (model_version, champion_version, n, ids, scores) VALUES (?, ?, ?, ?, ?)",
  );
  return db.transaction((groups: PackedShadow[]) => {
    for (const g of groups)
      insert.run(
        g.modelVersion,
        g.championVersion,
        g.n,
        g.ids,
        Buffer.from(g.scores.buffer, g.scores.byteOffset, g.scores.byteLength),
      );
  });
}
