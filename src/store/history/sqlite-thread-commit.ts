// Group commit on the history log's writer thread (sqlite-writer-worker.ts). The main thread hands a
// batch request's rows over as soon as they are packed, without waiting for the commit before it
// (sqlite.ts); the groups that arrive while one commits are committed together in the next
// transaction, one fsync for all of them. So the thread goes from
// one commit to the next without waiting for the main thread, and the main thread packs, hands over
// and writes answers while the disk syncs.
// Rules: groups commit in arrival order (their seqs follow it); a group is answered only after the
// transaction holding it has committed; a group whose rows fail to insert fails alone (the others
// commit without it); a failed COMMIT fails the groups of that transaction and no
// other (the next transaction is the groups that arrived meanwhile).
// The WAL is copied into the database file here too (automatic checkpoints are off): SQLite would
// run one inside whichever commit crosses its size limit, with that commit's requests waiting.
import type Database from "better-sqlite3";
import { type WriterReply, toWire } from "../sqlite/writer-protocol.js";

/** About SQLite's default automatic checkpoint (1,000 pages of 4 KiB). */
export const CHECKPOINT_BYTES = 4 * 1024 * 1024;
/** Past this, the checkpoint runs even with groups waiting (the WAL must not grow without bound). */
const CHECKPOINT_FORCE_BYTES = 4 * CHECKPOINT_BYTES;

export interface ThreadCommitOptions<M extends { id: number }> {
  db: Database.Database;
  /** Inserts one group's rows (inside the transaction) and returns its answer. */
  insert: (m: M) => unknown;
  /** About how many bytes the group adds to the WAL. */
  bytes: (m: M) => number;
  reply: (r: WriterReply) => void;
}

export class ThreadCommits<M extends { id: number }> {
  private queued: M[] = [];
  private scheduled = false;
  private walBytes = 0;
  private checkpointing = false;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly passive: Database.Statement;

  constructor(private readonly options: ThreadCommitOptions<M>) {
    this.begin = options.db.prepare("BEGIN");
    this.commit = options.db.prepare("COMMIT");
    this.rollback = options.db.prepare("ROLLBACK");
    this.passive = options.db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
  }

  /**
   * Queues a group; it commits once the messages already received are handled (setImmediate runs
   * after them), with every group that came with it.
   */
  add(m: M): void {
    this.queued.push(m);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits every queued group now (before a message that must come after them is handled). */
  flush(): void {
    this.scheduled = false;
    while (this.queued.length > 0) {
      // What is queued now is one transaction; a group added meanwhile goes in the next.
      const groups = this.queued;
      this.queued = [];
      this.queued = [...this.transaction(groups), ...this.queued];
    }
    if (this.walBytes >= CHECKPOINT_BYTES) this.checkpointSoon();
  }

  /**
   * One transaction of `groups`; returns those to commit again. When a group's rows fail, the
   * transaction is rolled back, that group failed, and the others go again in a new one: no
   * savepoint per group on the usual path (a SAVEPOINT and RELEASE around each group cost the
   * writer thread ~15 % of its throughput in bench/history-log.ts).
   */
  private transaction(groups: M[]): M[] {
    const done: { m: M; result: unknown }[] = [];
    let bytes = 0;
    try {
      this.begin.run();
    } catch (e) {
      for (const m of groups) this.fail(m, e);
      return [];
    }
    for (let i = 0; i < groups.length; i++) {
      const m = groups[i];
      try {
        done.push({ m, result: this.options.insert(m) });
        bytes += this.options.bytes(m);
      } catch (e) {
        if (this.options.db.inTransaction) this.rollback.run(); // SQLite may have done it (a full disk)
        this.fail(m, e);
        return groups.filter((g) => g !== m);
      }
    }
    try {
      this.commit.run();
    } catch (e) {
      if (this.options.db.inTransaction) this.rollback.run();
      for (const d of done) this.fail(d.m, e);
      return [];
    }
    this.walBytes += bytes;
    for (const d of done) this.options.reply({ id: d.m.id, ok: true, result: d.result });
    return [];
  }

  private fail(m: M, e: unknown): void {
    this.options.reply({ id: m.id, ok: false, error: toWire(e) });
  }

  /**
   * Checkpoints after the groups that are here now have committed, while the main thread writes
   * their answers: before groups still waiting only once the WAL is far past the limit.
   */
  private checkpointSoon(): void {
    if (this.checkpointing) return;
    this.checkpointing = true;
    setImmediate(() => {
      this.checkpointing = false;
      if (this.queued.length > 0 && this.walBytes < CHECKPOINT_FORCE_BYTES) return; // their flush calls again
      this.checkpoint();
    });
  }

  /** Copies what it can of the WAL into the database file, waiting for no reader. */
  checkpoint(): void {
    this.walBytes = 0;
    try {
      this.passive.get();
    } catch {
      // PASSIVE never waits; a failure (busy, I/O) is retried after the next commits.
    }
  }
}
