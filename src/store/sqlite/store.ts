// The embedded prediction log: one SQLite file (better-sqlite3), WAL with synchronous=FULL so a
// resolved logPredictions() has been fsync'd. Concurrent calls are group-committed: one transaction,
// one fsync, for every record queued while the previous group commits.
// Writes (predictions, feedback, snapshots, audit) go through one Writer. With `writerThread: true`
// (what `millwright serve` uses) a worker thread (writer-worker.ts) owns the write connection:
// the event loop keeps serving while the disk works, and a group of predictions is made durable as
// one journal row, moved into the indexed table by the thread in its spare time (journal.ts).
// Without it (in-memory databases, MILLWRIGHT_SQLITE_WRITER_THREAD=0) writes run on the main thread,
// straight into the table. Reads always use the main-thread connection (WAL readers never wait for
// the writer); they first wait for the journal to be moved (caughtUp), so they see every write whose
// promise resolved.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type FlushInfo, GroupCommitter, type GroupCommitStats } from "../group-commit.js";
import { countPredictions, streamPredictions } from "../query.js";
import {
  canonicalModes,
  JOINED_SELECT,
  type JoinedRow,
  rowToPrediction,
  type SqlValue,
  validateFeedback,
} from "../rows.js";
import { migrateSqlite } from "./schema.js";
import { LiveWriter, SqliteWriter } from "./writer.js";
import { InlineWriter, type Writer } from "./writes.js";
import { batchRecords } from "../batch.js";
import { checkBatch, checkRecords, encodeBatch, encodeGroup, type JournalGroup } from "./journal.js";
import type * as Store from "../types.js";
import { auditPageSql } from "../audit.js";
import { lastDistinct, type ShadowRow, shadowOfRow } from "../shadow-rows.js";
import { ShadowRides } from "../shadow-rides.js";
import { type PackedShadowRow, packShadow, unpackShadow } from "./shadow-pack.js";
import { isUnavailableError } from "../unavailable.js";
import { isMillwrightError, MillwrightError } from "../../core/errors.js";
import { FileWatch, type WriteProblem } from "../file-watch.js";

export interface SqliteStoreOptions {
  path: string;
  /** Rows per page when streaming queryPredictions (default 500). */
  pageSize?: number;
  /** Flush at once when this many records are queued (default 5000). */
  maxBatch?: number;
  busyTimeoutMs?: number;
  /** Called after every group commit: feed a commit-latency histogram. */
  onFlush?: (info: FlushInfo) => void;
  /**
   * Commit on a worker thread instead of the main thread (default false). Needs a file path, not
   * ":memory:". Same durability and ordering; a crashed thread fails its pending writes as
   * unavailable (isUnavailableError) and is restarted by the next write or healthy().
   */
  writerThread?: boolean;
  /** A write problem (disk full, file deleted) starts or ends: log it loudly. */
  onWriteProblem?: (p: WriteProblem | null) => void;
}

export class SqliteStore implements Store.PredictionStore {
  readonly kind = "sqlite" as const;
  /** Main-thread connection: reads and migrations; the writes too unless writerThread. */
  private db: Database.Database | null = null;
  /** The inline writer, or the writer thread (restarted after a crash); set by init(). */
  private writer: LiveWriter<Writer> | null = null;
  private opening: Promise<void> | null = null;
  /** Records, and batches already packed by logBatch (one item standing for many records). */
  private readonly committer: GroupCommitter<Store.PredictionRecord | JournalGroup>;
  /** Shadow scores waiting to ride with the next flush of predictions (writer thread only). */
  private readonly rides = new ShadowRides<Store.ShadowScoreRecord>((rows) => this.shadowAlone(rows));
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly pageSize: number;
  private readonly watch: FileWatch;

  constructor(private readonly opts: SqliteStoreOptions) {
    this.pageSize = opts.pageSize ?? 500;
    this.watch = new FileWatch(opts.path, opts.onWriteProblem);
    this.committer = new GroupCommitter({
      write: (records) => this.guarded(() => this.writeBatch(records)),
      maxBatch: opts.maxBatch,
      onFlush: opts.onFlush,
      // A full disk or a deleted file fails every caller alike: no point retrying each alone.
      retrySeparately: (e) => !isUnavailableError(e) && !isMillwrightError(e),
      // Thread: group N+1 is posted while group N commits, so the thread starts it the moment N's
      // fsync returns instead of waiting for the main thread to notice the reply.
      maxInFlight: opts.writerThread ? 2 : 1,
    });
  }

  init(): Promise<void> {
    if (this.db) return Promise.resolve();
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async open(): Promise<void> {
    if (this.opts.path !== ":memory:") mkdirSync(dirname(this.opts.path), { recursive: true });
    else if (this.opts.writerThread)
      throw new MillwrightError(
        "MW_CONFIG",
        "writerThread needs a file path: the thread opens the file too",
        {
          field: "path",
        },
      );
    const db = new Database(this.opts.path);
    try {
      db.pragma(`busy_timeout = ${this.busyTimeoutMs()}`);
      db.pragma("journal_mode = WAL");
      // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and an
      // acknowledged prediction must survive that. (The writer thread sets the same on its own.)
      db.pragma("synchronous = FULL");
      db.pragma("foreign_keys = ON");
      migrateSqlite(db);
      this.watch.open();
      const inline = this.opts.writerThread ? null : new InlineWriter(db);
      const start = { path: this.opts.path, busyTimeoutMs: this.busyTimeoutMs() };
      const writer = new LiveWriter<Writer>(() =>
        inline ? Promise.resolve(inline) : SqliteWriter.start(start),
      );
      await writer.get(); // the thread starts now: one that cannot open the file fails init()
      this.writer = writer;
    } catch (e) {
      db.close();
      throw e;
    }
    this.db = db;
  }

  private busyTimeoutMs(): number {
    return this.opts.busyTimeoutMs ?? 5000;
  }

  /** Why writes are refused now (disk full, file deleted), or null. */
  writeProblem(): WriteProblem | null {
    return this.watch.problem();
  }

  /** A write refused while the disk is full or the file deleted, and re-checked after (file-watch.ts). */
  private guarded<T>(fn: () => T | Promise<T>): Promise<T> | T {
    return this.watch.guard(fn);
  }

  stats(): GroupCommitStats {
    return { ...this.committer.stats };
  }

  logPredictions(records: Store.PredictionRecord[]): Promise<void> {
    if (!this.db) return Promise.reject(new Error("SqliteStore: init() not called or store closed"));
    try {
      // Checked here, per call: a record the table would refuse fails its own call only, before it
      // can be journalled and acknowledged.
      checkRecords(records);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.committer.enqueue(records);
  }

  logBatch(b: Store.PredictionBatch): Promise<void> {
    if (!this.db) return Promise.reject(new Error("SqliteStore: init() not called or store closed"));
    if (this.writer?.now() instanceof InlineWriter) return this.logPredictions(batchRecords(b));
    let group: JournalGroup;
    try {
      checkBatch(b);
      // Packed now, by the caller: a batch's records are never built (see Store.PredictionBatch).
      group = encodeBatch(b);
    } catch (e) {
      return Promise.reject(e);
    }
    // Flushed at once when the thread is free: a batch's caller still has its answer to write, and
    // the thread commits meanwhile.
    return this.committer.enqueue([group], b.n, true);
  }

  /**
   * Waits until journal rows written before this call are in the predictions table (a no-op without
   * a writer thread, or when the journal is empty: one indexed read).
   */
  private async caughtUp(): Promise<void> {
    if (this.writer?.now() instanceof InlineWriter) return;
    const row = this.stmt("SELECT EXISTS (SELECT 1 FROM prediction_journal) AS j").get() as { j: number };
    if (row.j === 0) return;
    const w = await this.liveWriter();
    await w.request({ op: "compact" });
  }

  /** The live writer thread; after a crash, a new one (so the store recovers once the cause is gone). */
  private async liveWriter(): Promise<Writer> {
    if (!this.db || !this.writer) throw new Error("SqliteStore: init() not called or store closed");
    return this.writer.get();
  }

  private writeBatch(items: (Store.PredictionRecord | JournalGroup)[]): void | Promise<void> {
    const running = this.writer?.now();
    if (running instanceof InlineWriter) {
      // logBatch never packs for the inline writer, so these are all records.
      running.logNow(items as Store.PredictionRecord[]);
      return;
    }
    const records: Store.PredictionRecord[] = [];
    const groups: JournalGroup[] = [];
    for (const it of items) {
      if (!isGroup(it)) records.push(it);
      // Transferred by an earlier attempt (a retry after a failed flush): its bytes are gone.
      else if (it.buf.byteLength === 0)
        throw new Error("prediction batch: already sent once, outcome unknown");
      else groups.push(it);
    }
    if (records.length > 0) groups.unshift(encodeGroup(records));
    // Shadow scores ride along, as many as the flush has predictions (store/shadow-rides.ts).
    let n = 0;
    for (const g of groups) n += g.n;
    const ride = this.rides.take(n);
    const shadow = ride ? packShadow(ride.rows) : null;
    const post = async (w: Writer) => {
      try {
        const bufs = groups.map((g) => g.buf);
        if (shadow) for (const g of shadow) bufs.push(g.scores.buffer as ArrayBuffer);
        const r = (await w.request(shadow ? { op: "log", groups, shadow } : { op: "log", groups }, bufs)) as
          | { shadowError: string | null }
          | undefined;
        ride?.settle(r?.shadowError ? new Error(r.shadowError) : undefined);
      } catch (e) {
        ride?.settle(e as Error);
        throw e;
      }
    };
    // Posted running when the thread is up (logBatch's early flush relies on it), not a microtask later.
    return running ? post(running) : this.liveWriter().then(post);
  }

  async addFeedback(items: Store.FeedbackItem[]): Promise<Store.FeedbackOutcome[]> {
    items.forEach(validateFeedback);
    const now = Date.now();
    const w = await this.liveWriter();
    return this.guarded(() =>
      w.request({
        op: "feedback",
        items: items.map((i) => ({
          predictionId: i.predictionId,
          machineFailure: i.machineFailure,
          modes: canonicalModes(i.modes),
          receivedAt: i.receivedAt ?? now,
        })),
      }),
    ) as Promise<Store.FeedbackOutcome[]>;
  }

  async logShadow(rows: Store.ShadowScoreRecord[]): Promise<void> {
    if (rows.length === 0) return;
    // With a writer thread, inside the answers' own commits: a transaction of its own every 100 ms
    // (about 1,800 rows at 18,000 requests/s) held their commits for milliseconds (p99 at 64
    // connections 10.2–12.4 against 6.1–6.7 ms, bench/serve-shadow.ts BENCH_SHADOW_MODEL=ai4i).
    if (!(this.writer?.now() instanceof InlineWriter)) return this.guarded(() => this.rides.add(rows));
    return this.shadowAlone(rows);
  }

  /** Shadow scores committed on their own (no flush took them, or the inline writer). */
  private async shadowAlone(rows: Store.ShadowScoreRecord[]): Promise<void> {
    const w = await this.liveWriter();
    const groups = packShadow(rows);
    await this.guarded(() =>
      w.request(
        { op: "shadow", groups },
        groups.map((g) => g.scores.buffer as ArrayBuffer),
      ),
    );
  }

  /** The last `limit` shadow scores, oldest first: migration 4's rows, then the groups. */
  async shadowScores(limit: number): Promise<Store.ShadowScoreRecord[]> {
    const rows = (sql: string) => this.stmt(sql).iterate();
    const scores = function* () {
      for (const r of rows("SELECT * FROM shadow_scores ORDER BY rowid") as Iterable<ShadowRow>)
        yield shadowOfRow(r);
      for (const g of rows("SELECT * FROM shadow_score_groups ORDER BY seq") as Iterable<PackedShadowRow>)
        yield* unpackShadow(g);
    };
    return lastDistinct(scores(), (r) => `${r.predictionId}\u0000${r.modelVersion}`, limit);
  }

  private async write(sql: string, params: (string | number | null)[]): Promise<void> {
    const w = await this.liveWriter();
    await this.guarded(() => w.request({ op: "run", sql, params }));
  }

  async getPrediction(id: string): Promise<Store.LabelledPrediction | null> {
    await this.caughtUp();
    const row = this.stmt(`${JOINED_SELECT} WHERE p.id = ?`).get(id) as JoinedRow | undefined;
    return row ? rowToPrediction(row) : null;
  }

  queryPredictions(opts: Store.QueryOptions): AsyncIterable<Store.LabelledPrediction> {
    return streamPredictions(this.all, opts, this.pageSize, "sqlite");
  }

  countPredictions(opts?: Store.QueryOptions): Promise<number> {
    return countPredictions(this.all, opts, "sqlite");
  }

  saveSnapshot(s: Store.MonitorSnapshot): Promise<void> {
    return this.write("INSERT INTO snapshots (at, model_version, payload) VALUES (?, ?, ?)", [
      s.at,
      s.modelVersion,
      JSON.stringify(s.payload ?? null),
    ]);
  }

  async listSnapshots(limit: number): Promise<Store.MonitorSnapshot[]> {
    const rows = this.stmt(
      "SELECT at, model_version, payload FROM snapshots ORDER BY at DESC, id DESC LIMIT ?",
    ).all(limit) as { at: number; model_version: string; payload: string }[];
    return rows.map((r) => ({ at: r.at, modelVersion: r.model_version, payload: JSON.parse(r.payload) }));
  }

  appendAudit(e: Store.AuditEvent): Promise<void> {
    return this.write("INSERT INTO audit (at, kind, payload) VALUES (?, ?, ?)", [
      e.at,
      e.kind,
      JSON.stringify(e.payload ?? null),
    ]);
  }

  async listAudit(kind?: string, limit = 100): Promise<Store.AuditEvent[]> {
    const rows = (
      kind === undefined
        ? this.stmt("SELECT at, kind, payload FROM audit ORDER BY at DESC, id DESC LIMIT ?").all(limit)
        : this.stmt(
            "SELECT at, kind, payload FROM audit WHERE kind = ? ORDER BY at DESC, id DESC LIMIT ?",
          ).all(kind, limit)
    ) as { at: number; kind: string; payload: string }[];
    return rows.map((r) => ({ at: r.at, kind: r.kind, payload: JSON.parse(r.payload) }));
  }

  async pageAudit(q: Store.AuditQuery): Promise<Store.StoredAuditEvent[]> {
    const { sql, params } = auditPageSql(q, "?");
    const rows = this.stmt(sql).all(...params) as { id: number; at: number; kind: string; payload: string }[];
    return rows.map((r) => ({ id: r.id, at: r.at, kind: r.kind, payload: JSON.parse(r.payload) }));
  }

  async seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null> {
    const w = await this.liveWriter();
    return (await this.guarded(() => w.request({ op: "seen", fingerprint, at, forgetBefore }))) as
      | number
      | null;
  }

  /** The file answers a read and a writer thread is running (a crashed one is restarted here). */
  async healthy(): Promise<boolean> {
    try {
      if (this.watch.problem()) return false;
      if (this.stmt("SELECT 1 AS ok").get() === undefined) return false;
      await this.liveWriter();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => {});
    if (!this.db) return;
    await this.committer.drain();
    await this.rides.flush();
    this.rides.stop();
    await this.writer?.close();
    this.writer = null;
    this.stmts.clear();
    this.watch.close();
    this.db.close();
    this.db = null;
  }

  // Every page of a query catches up first: a stream sees what was written before each page.
  private readonly all = async <R>(sql: string, params: SqlValue[]): Promise<R[]> => {
    await this.caughtUp();
    return this.stmt(sql).all(...params.map((p) => (typeof p === "boolean" ? Number(p) : p))) as R[];
  };

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

function isGroup(it: Store.PredictionRecord | JournalGroup): it is JournalGroup {
  return (it as JournalGroup).buf !== undefined;
}
