// The history log in an embedded SQLite file (WAL, synchronous=FULL: a commit is on disk before a
// promise resolves). Appends go to a writer thread (sqlite-writer-worker.ts), which owns the write
// connection: the main thread only turns each entry into a row and posts the group, and the INSERTs
// and the fsync happen off the event loop. Appends from one event-loop turn share one transaction
// (group commit), and the next group is posted while one commits (as the AI4I prediction log does),
// so the thread is never idle waiting for the main thread. Reads and `exclusive` use the main
// thread's connection; `exclusive` first waits for every append made before it. With
// `writerThread: false` (MILLWRIGHT_SQLITE_WRITER_THREAD=0) the groups commit on the main thread, as
// before: bench/serve-history.ts runs both side by side.
import { chmodSync } from "node:fs";
import Database from "better-sqlite3";
import { MillwrightError } from "../../core/errors.js";
import { GroupCommitter } from "../group-commit.js";
import { LiveWriter, SqliteWriter } from "../sqlite/writer.js";
import type { WriteRequest } from "../sqlite/writes.js";
import { siblingWorkerUrl } from "../thread.js";
import {
  type HistoryWriterRequest,
  prepareInsert,
  prepareShadowInsert,
  type RowGroup,
  SHADOW_SCHEMA,
  type ShadowGroupRow,
  shadowOfGroupRow,
  shadowGroupOf,
} from "./sqlite-rows.js";
import { ShadowRides } from "../shadow-rides.js";
import { lastDistinct } from "../shadow-rows.js";
import type * as Log from "./types.js";

/** On-disk layout version, checked on open: a file from a newer layout is refused, not misread. */
const LAYOUT = 1;

const WORKER_URL = siblingWorkerUrl(import.meta.url, "sqlite-writer-worker");
const BUSY_TIMEOUT_MS = 5000;

type Row = { seq: number; type: string; body: string };

/** The writer thread's answer to an append: each row's seq, and why the shadow rows it carried failed. */
type AppendReply = { seqs: number[]; shadowError: string | null };

type ShadowRow = {
  id: string;
  machine: string;
  t: number;
  model_version: string;
  p: number;
  champion_version: string;
  champion_p: number;
  scored_at: number;
};

const fromShadowRow = (r: ShadowRow): Log.ShadowScore => ({
  id: r.id,
  machine: r.machine,
  time: r.t,
  modelVersion: r.model_version,
  failureProbability: r.p,
  championVersion: r.champion_version,
  championProbability: r.champion_p,
  scoredAt: r.scored_at,
});

/** One entry waiting for its group's commit; `seq` is filled in then (0: an event id already logged). */
interface Slot {
  event: number;
  id: string;
  machine: string;
  time: number;
  body: string;
  seq: number;
}

function entryOf(row: Row): Log.SeqEntry {
  return row.type === "reading"
    ? { seq: row.seq, type: "reading", reading: JSON.parse(row.body) as Log.LoggedReading }
    : { seq: row.seq, type: "event", event: JSON.parse(row.body) as Log.LoggedEvent };
}

const slotOf = (e: Log.LogEntry): Slot => {
  const x = e.type === "reading" ? e.reading : e.event;
  return {
    event: e.type === "event" ? 1 : 0,
    id: x.id,
    machine: x.machine,
    time: x.time,
    body: JSON.stringify(x),
    seq: 0,
  };
};

const groupOf = (slots: Slot[]): RowGroup => ({
  events: slots.map((s) => s.event),
  ids: slots.map((s) => s.id),
  machines: slots.map((s) => s.machine),
  times: slots.map((s) => s.time),
  bodies: slots.map((s) => s.body),
});

function fill(slots: Slot[], seqs: number[]): void {
  for (let i = 0; i < slots.length; i++) slots[i].seq = seqs[i];
}

const unavailable = (e: unknown) =>
  e instanceof MillwrightError
    ? e
    : new MillwrightError("MW_STORE_UNAVAILABLE", `history log write failed: ${(e as Error).message}`);

export class SqliteHistoryLog implements Log.HistoryLog {
  /** One server owns the file: nobody else appends, so no catching up per request. */
  readonly shared = false;
  private readonly db: Database.Database;
  private readonly thread = new LiveWriter(() =>
    SqliteWriter.start({ path: this.path, busyTimeoutMs: BUSY_TIMEOUT_MS }, this.workerUrl),
  );
  private readonly committer: GroupCommitter<Slot>;
  private readonly insert: (g: RowGroup) => number[];
  private readonly writerThread: boolean;
  private readonly workerUrl: URL;
  /** Shadow scores waiting to ride with the next answers' group (writer thread only). */
  private readonly rides = new ShadowRides<Log.ShadowScore>((rows) => this.shadowAlone(rows));

  constructor(
    readonly path: string,
    opts: { writerThread?: boolean; workerUrl?: URL } = {},
  ) {
    try {
      this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
      chmodSync(path, 0o600);
    } catch (e) {
      throw new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `${path}: cannot open the history log (${(e as Error).message})`,
      );
    }
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL CHECK (type IN ('reading', 'event')),
        id TEXT NOT NULL,
        machine TEXT NOT NULL,
        t REAL NOT NULL,
        body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS log_event_id ON log (id) WHERE type = 'event';
      -- Nothing reads the log by machine (replays read by seq), and the index cost every append
      -- a second B-tree write on the writer thread: dropped from files that have it.
      DROP INDEX IF EXISTS log_machine;
    `);
    this.db.exec(SHADOW_SCHEMA);
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as
      | { value: string }
      | undefined;
    if (!row) this.db.prepare("INSERT INTO meta (key, value) VALUES ('layout', ?)").run(String(LAYOUT));
    else if (Number(row.value) !== LAYOUT)
      throw new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `${path}: history log layout ${row.value}, this Millwright reads ${LAYOUT}`,
      );
    this.insert = prepareInsert(this.db);
    this.writerThread = opts.writerThread ?? true;
    this.workerUrl = opts.workerUrl ?? WORKER_URL;
    const inline = this.db.transaction((g: RowGroup) => this.insert(g));
    this.committer = new GroupCommitter<Slot>({
      write: this.writerThread ? (slots) => this.post(slots) : (slots) => fill(slots, inline(groupOf(slots))),
      // Thread: group N+1 is posted while group N commits, so the thread starts it the moment N's
      // fsync returns. It handles messages in arrival order: groups commit (and get seqs) in call order.
      maxInFlight: this.writerThread ? 2 : 1,
    });
  }

  /** Starts the writer thread (the file was opened and checked in the constructor). */
  async init(): Promise<void> {
    if (!this.writerThread) return;
    await this.thread.get().catch((e) => {
      throw unavailable(e);
    });
  }

  /** Sends one group to the thread; resolves once it has committed, with each slot's seq filled in. */
  private async post(slots: Slot[]): Promise<void> {
    const ride = this.rides.take(slots.length); // as many as it has answers: keeps pace, at most doubles its inserts
    const req: HistoryWriterRequest = { op: "append", ...groupOf(slots) };
    if (ride) req.shadow = shadowGroupOf(ride.rows);
    try {
      const w = this.thread.now() ?? (await this.thread.get());
      // SqliteWriter is typed for the prediction log's requests; it only numbers and posts them.
      const r = (await w.request(req as unknown as WriteRequest)) as AppendReply;
      fill(slots, r.seqs);
      ride?.settle(r.shadowError === null ? undefined : new Error(r.shadowError));
    } catch (e) {
      ride?.settle(e as Error);
      throw e;
    }
  }

  private async append(entries: Log.LogEntry[]): Promise<number[]> {
    const slots = entries.map(slotOf);
    try {
      await this.committer.enqueue(slots);
    } catch (e) {
      throw unavailable(e);
    }
    const seqs: number[] = [];
    for (const s of slots) if (s.seq > 0) seqs.push(s.seq);
    return seqs;
  }

  appendReadings(rows: Log.LoggedReading[]): Promise<number[]> {
    return this.append(rows.map((reading) => ({ type: "reading", reading })));
  }

  appendEvents(events: Log.LoggedEvent[]): Promise<number[]> {
    return this.append(events.map((event) => ({ type: "event", event })));
  }

  private after(seq: number, limit?: number): Log.SeqEntry[] {
    const rows = this.db
      .prepare(`SELECT seq, type, body FROM log WHERE seq > ? ORDER BY seq${limit ? " LIMIT ?" : ""}`)
      .all(...(limit ? [seq, limit] : [seq])) as Row[];
    return rows.map(entryOf);
  }

  async entriesAfter(seq: number, limit?: number): Promise<Log.SeqEntry[]> {
    return this.after(seq, limit);
  }

  async exclusive<T>(
    afterSeq: number,
    step: (entries: Log.SeqEntry[]) => Log.StepOutput<T>,
  ): Promise<{ result: T; seqs: number[]; lastSeq: number }> {
    await this.committer.drain(); // appends made before this call come first
    // IMMEDIATE takes the write lock at BEGIN, so another connection on the file waits for us.
    return this.db
      .transaction(() => {
        const { append, result } = step(this.after(afterSeq));
        const seqs = this.insert(groupOf(append.map(slotOf))).filter((q) => q > 0);
        const last = this.db.prepare("SELECT COALESCE(MAX(seq), 0) AS s FROM log").get() as { s: number };
        return { result, seqs, lastSeq: last.s };
      })
      .immediate();
  }

  async appendShadow(rows: Log.ShadowScore[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      if (!this.writerThread) {
        this.db.transaction(prepareShadowInsert(this.db))(shadowGroupOf(rows));
        return;
      }
      // Through the writer thread, which owns the write connection, inside the answers' commits.
      await this.rides.add(rows);
    } catch (e) {
      throw unavailable(e);
    }
  }

  /** Shadow scores committed in a transaction of their own (no answers' group came to take them). */
  private async shadowAlone(rows: Log.ShadowScore[]): Promise<void> {
    const w = this.thread.now() ?? (await this.thread.get());
    const req: HistoryWriterRequest = { op: "shadow", ...shadowGroupOf(rows) };
    await w.request(req as unknown as WriteRequest);
  }

  /** The last `limit` shadow scores, oldest first: the old `shadow` table's rows, then the groups. */
  async shadowScores(limit: number): Promise<Log.ShadowScore[]> {
    const db = this.db;
    const scores = function* () {
      for (const r of db.prepare("SELECT * FROM shadow ORDER BY rowid").iterate() as Iterable<ShadowRow>)
        yield fromShadowRow(r);
      for (const g of db
        .prepare("SELECT * FROM shadow_groups ORDER BY seq")
        .iterate() as Iterable<ShadowGroupRow>)
        yield* shadowOfGroupRow(g);
    };
    return lastDistinct(scores(), (r) => `${r.id}\u0000${r.modelVersion}`, limit);
  }

  async close(): Promise<void> {
    try {
      await this.committer.close(); // every append made so far has committed (or failed)
      await this.rides.flush();
    } finally {
      this.rides.stop();
      await this.thread.close();
      this.db.close();
    }
  }
}
