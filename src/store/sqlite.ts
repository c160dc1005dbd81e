// The embedded prediction log: one SQLite file (better-sqlite3), WAL with synchronous=FULL so a
// resolved logPredictions() has been fsync'd. Concurrent calls are group-committed: one transaction,
// one fsync, for every record queued in the same event-loop turn.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type FlushInfo, GroupCommitter, type GroupCommitStats } from "./group-commit.js";
import { countPredictions, streamPredictions } from "./query.js";
import {
  canonicalModes,
  JOINED_SELECT,
  type JoinedRow,
  PREDICTION_COLUMNS,
  predictionValues,
  rowToPrediction,
  type SqlValue,
  sameLabel,
  validateFeedback,
} from "./rows.js";
import { migrateSqlite } from "./sqlite-schema.js";
import type {
  AuditEvent,
  FeedbackItem,
  FeedbackOutcome,
  LabelledPrediction,
  MonitorSnapshot,
  PredictionRecord,
  PredictionStore,
  QueryOptions,
} from "./types.js";
import { isUnavailableError } from "./unavailable.js";

export interface SqliteStoreOptions {
  path: string;
  /** Rows per page when streaming queryPredictions (default 500). */
  pageSize?: number;
  /** Flush at once when this many records are queued (default 5000). */
  maxBatch?: number;
  busyTimeoutMs?: number;
  /** Called after every group commit: feed a commit-latency histogram. */
  onFlush?: (info: FlushInfo) => void;
}

export class SqliteStore implements PredictionStore {
  readonly kind = "sqlite" as const;
  private db: Database.Database | null = null;
  private readonly committer: GroupCommitter<PredictionRecord>;
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly pageSize: number;

  constructor(private readonly opts: SqliteStoreOptions) {
    this.pageSize = opts.pageSize ?? 500;
    this.committer = new GroupCommitter({
      write: (records) => this.writeBatch(records),
      maxBatch: opts.maxBatch,
      onFlush: opts.onFlush,
      retrySeparately: (e) => !isUnavailableError(e),
    });
  }

  async init(): Promise<void> {
    if (this.db) return;
    if (this.opts.path !== ":memory:") mkdirSync(dirname(this.opts.path), { recursive: true });
    const db = new Database(this.opts.path);
    try {
      db.pragma(`busy_timeout = ${this.opts.busyTimeoutMs ?? 5000}`);
      db.pragma("journal_mode = WAL");
      // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and an
      // acknowledged prediction must survive that.
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      migrateSqlite(db);
    } catch (e) {
      db.close();
      throw e;
    }
    this.db = db;
  }

  stats(): GroupCommitStats {
    return { ...this.committer.stats };
  }

  logPredictions(records: PredictionRecord[]): Promise<void> {
    if (!this.db) return Promise.reject(new Error("SqliteStore: init() not called or store closed"));
    return this.committer.enqueue(records);
  }

  private writeBatch(records: PredictionRecord[]): void {
    const db = this.conn();
    const insert = this.stmt(
      `INSERT OR IGNORE INTO predictions (${PREDICTION_COLUMNS.join(", ")}) VALUES (${PREDICTION_COLUMNS.map(() => "?").join(", ")})`,
    );
    // OR IGNORE: a replayed record (spool, retry after an unknown commit outcome) is never duplicated.
    db.transaction((rs: PredictionRecord[]) => {
      for (const r of rs) insert.run(predictionValues(r, (b) => (b ? 1 : 0)));
    })(records);
  }

  async addFeedback(items: FeedbackItem[]): Promise<FeedbackOutcome[]> {
    items.forEach(validateFeedback);
    const db = this.conn();
    const known = this.stmt("SELECT 1 AS x FROM predictions WHERE id = ?");
    const existing = this.stmt("SELECT machine_failure, modes FROM feedback WHERE prediction_id = ?");
    const insert = this.stmt(
      "INSERT INTO feedback (prediction_id, machine_failure, modes, received_at) VALUES (?, ?, ?, ?)",
    );
    const now = Date.now();
    return db.transaction(() =>
      items.map((item): FeedbackOutcome => {
        if (!known.get(item.predictionId)) return "unknown";
        const modes = canonicalModes(item.modes);
        const prev = existing.get(item.predictionId) as
          | { machine_failure: number; modes: string }
          | undefined;
        if (prev) {
          // The first label wins; a different one is reported, not applied (see README "Feedback").
          const same = sameLabel(
            { machineFailure: prev.machine_failure, modes: JSON.parse(prev.modes) },
            { machineFailure: item.machineFailure, modes },
          );
          return same ? "duplicate" : "conflict";
        }
        insert.run(item.predictionId, item.machineFailure, JSON.stringify(modes), item.receivedAt ?? now);
        return "accepted";
      }),
    )();
  }

  async getPrediction(id: string): Promise<LabelledPrediction | null> {
    const row = this.stmt(`${JOINED_SELECT} WHERE p.id = ?`).get(id) as JoinedRow | undefined;
    return row ? rowToPrediction(row) : null;
  }

  queryPredictions(opts: QueryOptions): AsyncIterable<LabelledPrediction> {
    return streamPredictions(this.all, opts, this.pageSize);
  }

  countPredictions(opts?: QueryOptions): Promise<number> {
    return countPredictions(this.all, opts);
  }

  async saveSnapshot(s: MonitorSnapshot): Promise<void> {
    this.stmt("INSERT INTO snapshots (at, model_version, payload) VALUES (?, ?, ?)").run(
      s.at,
      s.modelVersion,
      JSON.stringify(s.payload ?? null),
    );
  }

  async listSnapshots(limit: number): Promise<MonitorSnapshot[]> {
    const rows = this.stmt(
      "SELECT at, model_version, payload FROM snapshots ORDER BY at DESC, id DESC LIMIT ?",
    ).all(limit) as { at: number; model_version: string; payload: string }[];
    return rows.map((r) => ({ at: r.at, modelVersion: r.model_version, payload: JSON.parse(r.payload) }));
  }

  async appendAudit(e: AuditEvent): Promise<void> {
    this.stmt("INSERT INTO audit (at, kind, payload) VALUES (?, ?, ?)").run(
      e.at,
      e.kind,
      JSON.stringify(e.payload ?? null),
    );
  }

  async listAudit(kind?: string, limit = 100): Promise<AuditEvent[]> {
    const rows = (
      kind === undefined
        ? this.stmt("SELECT at, kind, payload FROM audit ORDER BY at DESC, id DESC LIMIT ?").all(limit)
        : this.stmt(
            "SELECT at, kind, payload FROM audit WHERE kind = ? ORDER BY at DESC, id DESC LIMIT ?",
          ).all(kind, limit)
    ) as { at: number; kind: string; payload: string }[];
    return rows.map((r) => ({ at: r.at, kind: r.kind, payload: JSON.parse(r.payload) }));
  }

  async healthy(): Promise<boolean> {
    try {
      return this.stmt("SELECT 1 AS ok").get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.db) return;
    await this.committer.drain();
    this.stmts.clear();
    this.db.close();
    this.db = null;
  }

  private readonly all = async <R>(sql: string, params: SqlValue[]): Promise<R[]> =>
    this.stmt(sql).all(...params.map((p) => (typeof p === "boolean" ? Number(p) : p))) as R[];

  private conn(): Database.Database {
    if (!this.db) throw new Error("SqliteStore: init() not called or store closed");
    return this.db;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.conn().prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }
}
