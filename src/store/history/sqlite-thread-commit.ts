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
// Automatic checkpoints are off (SQLite would run one inside whichever commit crosses its size
// limit, with that commit's requests waiting): `wal` is told what each transaction added and when
// one has ended, and copies the WAL off the commit path (sqlite-checkpoints.ts).
import type Database from "better-sqlite3";
import { type WriterReply, toWire } from "../sqlite/writer-protocol.js";
import type { WalGrowth } from "./sqlite-checkpoints.js";

export interface ThreadCommitOptions<M extends { id: number }> {
  db: Database.Database;
  /** Inserts one group's rows (inside the transaction) and returns its answer. */
  insert: (m: M) => unknown;
  /** About how many bytes the group adds to the WAL. */
  bytes: (m: M) => number;
  reply: (r: WriterReply) => void;
  wal: WalGrowth;
}

export class ThreadCommits<M extends { id: number }> {
  private queued: M[] = [];
  private scheduled = false;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;

  constructor(private readonly options: ThreadCommitOptions<M>) {
    this.begin = options.db.prepare("BEGIN");
    this.commit = options.db.prepare("COMMIT");
    this.rollback = options.db.prepare("ROLLBACK");
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
    this.options.wal.between();
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
    for (const d of done) this.options.reply({ id: d.m.id, ok: true, result: d.result });
    this.options.wal.grew(bytes);
    return [];
  }

  private fail(m: M, e: unknown): void {
    this.options.reply({ id: m.id, ok: false, error: toWire(e) });
  }
}
