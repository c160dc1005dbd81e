// The history log in an embedded SQLite file (WAL, synchronous=FULL: a commit is on disk before a
// promise resolves). Appends go to a writer thread (sqlite-writer-worker.ts), which owns the write
// connection: the main thread only turns each entry into a row and posts the group, and the INSERTs
// and the fsync happen off the event loop. Scored readings (a batch, or the single readings of one
// event-loop turn, which the server scores together) are posted at once, before their answers are
// written; other appends of one turn share one post (group commit), posted while the last one
// commits; the thread commits together what arrived while it committed
// (sqlite-thread-commit.ts). Reads and `exclusive` use the main thread's connection; `exclusive`
// first waits for every append made before it. `writerThread: false` (MILLWRIGHT_SQLITE_WRITER_THREAD=0)
// commits on the main thread (bench/serve-history.ts runs both).
import { chmodSync } from "node:fs";
import Database from "better-sqlite3";
import { FileWatch } from "../file-watch.js";
import { storeError } from "../unavailable.js";
import type { WriteProblem } from "../write-problem.js";
import { GroupCommitter } from "../group-commit.js";
import { LiveWriter, SqliteWriter } from "../sqlite/writer.js";
import { siblingWorkerUrl } from "../thread.js";
import { EntryAppends, entrySeqs, storedRows } from "./entries.js";
import {
  groupOf,
  type HistoryWriterRequest,
  prepareInsert,
  prepareLabels,
  type RowGroup,
  type Slot,
  entriesIn,
  transferable,
  sqliteEntriesAfter,
  writeSlots,
} from "./sqlite-rows.js";
import { prepareShadowInsert, readShadowScores, shadowGroupOf } from "./sqlite-shadow.js";
import { prepareHistoryFile } from "./sqlite-schema.js";
import { ShadowRides } from "../shadow-rides.js";
import type * as Log from "./types.js";

const WORKER_URL = siblingWorkerUrl(import.meta.url, "sqlite-writer-worker");
const BUSY_TIMEOUT_MS = 5000;
/** Batches handed to the writer thread and not yet committed, at most (each holds its packed rows there). */
const MAX_BATCHES_IN_FLIGHT = 8;

/** The writer thread's answer to an append: each row's seq, and why the shadow rows it carried failed. */
type AppendReply = { seqs: number[]; shadowError: string | null };

/** A failed write as the client's error (a rejection handler). */
function refuse(e: unknown): never {
  throw storeError(e, (m) => `history log write failed: ${m}`);
}

export class SqliteHistoryLog extends EntryAppends implements Log.HistoryLog {
  /** One server owns the file: nobody else appends, so no catching up per request. */
  readonly shared = false;
  private readonly db: Database.Database;
  private readonly thread = new LiveWriter(() =>
    SqliteWriter.start({ path: this.path, busyTimeoutMs: BUSY_TIMEOUT_MS }, WORKER_URL),
  );
  private readonly committer: GroupCommitter<Slot>;
  private readonly insert: (g: RowGroup) => number[];
  private inlineLabels: Database.Transaction<(labels: Log.LabelIn[]) => Log.LabelOutcome[]> | null = null;
  private readonly writerThread: boolean;
  /** Shadow scores waiting to ride with the next answers' group (writer thread only). */
  private readonly rides = new ShadowRides<Log.ShadowScore>(async (rows) => {
    // Committed in a transaction of their own: no answers' group came to take them.
    await this.request({ op: "shadow", scores: shadowGroupOf(rows) });
  });
  private readonly watch: FileWatch; // a deleted file, a full disk: appends refused (file-watch.ts)

  constructor(
    readonly path: string,
    /** labelled: a row-labelled contract's log, whose labels find readings by id (sqlite-schema.ts). */
    opts: { writerThread?: boolean; labelled?: boolean } = {},
  ) {
    super();
    try {
      this.db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
      chmodSync(path, 0o600);
    } catch (e) {
      throw storeError(e, (m) => `${path}: cannot open the history log (${m})`);
    }
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    prepareHistoryFile(this.db, path, opts.labelled ?? false);
    this.watch = new FileWatch(path);
    this.watch.open();
    this.insert = prepareInsert(this.db);
    this.writerThread = opts.writerThread ?? true;
    const inline = this.db.transaction((g: RowGroup) => this.insert(g));
    this.committer = new GroupCommitter<Slot>({
      // Guarded per group: one fstat after each commit answers for all the requests it carried.
      write: (slots) =>
        this.watch.guard(() =>
          writeSlots(slots, this.writerThread ? (g) => this.post(g, entriesIn(slots)) : inline),
        ),
      // Thread: group N+1 is posted while group N commits, so the thread starts it the moment N's
      // fsync returns. It handles messages in arrival order: groups commit (and get seqs) in call order.
      maxInFlight: this.writerThread ? 2 : 1,
      // A request's readings are posted the moment they are packed (appendReadingColumns), whatever is in flight: the
      // thread commits together the groups that arrive while it commits (sqlite-thread-commit.ts).
      maxInFlightNow: this.writerThread ? MAX_BATCHES_IN_FLIGHT : 1,
    });
  }

  /** Starts the writer thread (the file was opened and checked in the constructor). */
  async init(): Promise<void> {
    if (this.writerThread) await this.thread.get().catch(refuse);
  }

  /** Posts to the writer thread: at once when it runs (not a microtask later), else once started. */
  private async request(req: HistoryWriterRequest, transfer?: ArrayBuffer[]): Promise<unknown> {
    const w = this.thread.now() ?? (await this.thread.get());
    return w.request(req, transfer);
  }

  /** Sends one group to the thread; resolves once it has committed, with each row's seq. */
  private async post(g: RowGroup, answers: number): Promise<number[]> {
    const ride = this.rides.take(answers); // as many as it has answers: keeps pace, at most doubles its inserts
    const req: HistoryWriterRequest = { op: "append", rows: g };
    if (ride) req.shadow = shadowGroupOf(ride.rows);
    try {
      // The packed numbers are moved, not copied (a 1,000-reading request's are ~100 KB).
      const r = (await this.request(req, transferable(g))) as AppendReply;
      ride?.settle(r.shadowError === null ? undefined : new Error(r.shadowError));
      return r.seqs;
    } catch (e) {
      ride?.settle(e as Error);
      throw e;
    }
  }

  writeProblem(recheck = true): WriteProblem | null {
    return recheck ? this.watch.problem() : this.watch.known();
  }

  /**
   * `now`: flushed at once (a batch: handed over before its caller writes the answer). Not an async
   * function: one promise chained on the commit's, not an async frame and two (every single reading).
   */
  protected append(entries: Log.LogEntry[], group?: Log.ReadingGroup, now = false): Promise<number[]> {
    const n = group ? group.n : entries.length;
    if (n === 0) return Promise.resolve([]);
    const slot: Slot = { entries, group, seqs: [] };
    return this.committer.enqueue([slot], n, now).then(() => slot.seqs.filter((q) => q > 0), refuse);
  }

  /**
   * Packed on the main thread, posted as rows at once: a batch, or a turn's single readings, already
   * gathered (contract-service.ts `together`): waiting for the next turn would only add one.
   */
  appendReadingColumns(g: Log.ReadingGroup): Promise<number[]> {
    return this.append([], g, true);
  }

  /** Judged and logged on the connection that writes, after every append made before (labels.ts). */
  async appendLabels(labels: Log.LabelIn[]): Promise<Log.LabelOutcome[]> {
    if (labels.length === 0) return [];
    try {
      return await this.watch.guard(async () => {
        if (!this.writerThread) {
          await this.committer.drain();
          this.inlineLabels ??= this.db.transaction(prepareLabels(this.db));
          return this.inlineLabels.immediate(labels);
        }
        return (await this.request({ op: "label", labels })) as Log.LabelOutcome[];
      });
    } catch (e) {
      refuse(e);
    }
  }

  async entriesAfter(seq: number, limit?: number): Promise<Log.SeqEntry[]> {
    return sqliteEntriesAfter(this.db, seq, limit);
  }

  async exclusive<T>(
    afterSeq: number,
    step: (entries: Log.SeqEntry[]) => Log.StepOutput<T>,
  ): Promise<{ result: T; seqs: number[]; lastSeq: number }> {
    await this.committer.drain(); // appends made before this call come first
    // IMMEDIATE takes the write lock at BEGIN, so another connection on the file waits for us.
    return this.watch.guard(() =>
      this.db
        .transaction(() => {
          const { append, result } = step(sqliteEntriesAfter(this.db, afterSeq));
          const rows = storedRows(append);
          const seqs = entrySeqs(rows, this.insert(groupOf(rows))).filter((q) => q > 0);
          const last = this.db.prepare("SELECT COALESCE(MAX(seq), 0) AS s FROM log").get() as { s: number };
          return { result, seqs, lastSeq: last.s };
        })
        .immediate(),
    );
  }

  async appendShadow(rows: Log.ShadowScore[]): Promise<void> {
    if (rows.length === 0) return;
    // Through the writer thread, which owns the write connection, inside the answers' commits.
    if (this.writerThread) return this.rides.add(rows).catch(refuse);
    try {
      this.db.transaction(prepareShadowInsert(this.db))(shadowGroupOf(rows));
    } catch (e) {
      refuse(e);
    }
  }

  async shadowScores(limit: number): Promise<Log.ShadowScore[]> {
    return readShadowScores(this.db, limit);
  }

  async close(): Promise<void> {
    try {
      await this.committer.close(); // every append made so far has committed (or failed)
      await this.rides.flush();
    } finally {
      this.rides.stop();
      await this.thread.close();
      this.db.close();
      this.watch.close();
    }
  }
}
