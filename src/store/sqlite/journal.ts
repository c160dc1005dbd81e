// The SQLite log's journal: the writer thread makes a group of predictions durable by appending ONE
// row (the group packed as a blob of numbers and a JSON text of strings) and committing it; it moves
// journal rows into the indexed `predictions` table later, in small chunks between appends
// ("compaction", as an LSM tree merges its log). Why: a row per prediction in a table with two
// indexes costs 5–7 µs of CPU per prediction (bench/store.ts), which capped 1,000-reading batches
// near 50,000 readings/s; one row per group costs about 1 µs per prediction, and the per-row work
// moves to the writer thread's spare time, off the request path.
// Guarantees: an appended group is durable (synchronous=FULL) before the caller is answered; a
// journal row is moved in one transaction with its delete, so each record lands exactly once
// (INSERT OR IGNORE also keeps a replayed record single); every reader first waits until the
// journal rows that existed when it asked have been moved (SqliteStore.caughtUp), so reads see
// every acknowledged record. Records are checked before they are appended (checkRecords): a record
// the table would refuse must fail its own request, not a compaction after it was acknowledged.
import type Database from "better-sqlite3";
import { PREDICTION_COLUMNS } from "../rows.js";
import {
  type DecodedGroup,
  decodeGroup,
  type JournalGroup,
  rowValues,
  storedGroup,
} from "./journal-codec.js";

export {
  checkBatch,
  checkRecords,
  decodeGroup,
  encodeBatch,
  encodeGroup,
  type JournalGroup,
  rowValues,
  type StoredGroup,
  storedGroup,
} from "./journal-codec.js";

/**
 * Records moved per compaction step (one transaction). An append that arrives meanwhile waits for at
 * most one step: under a millisecond at this size.
 */
export const COMPACT_CHUNK = 128;

interface JournalRow {
  seq: number;
  n: number;
  moved: number;
  nums: Buffer;
  /** UTF-8 bytes (a BLOB in the TEXT column: bound as written, never re-encoded); TEXT from older versions. */
  strs: Buffer | string;
}

/** The journal's reads and writes on the writer thread's connection. */
export class Journal {
  private readonly insertGroup: Database.Statement;
  private readonly pick: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly advance: Database.Statement;
  private readonly last: Database.Statement;
  private readonly first: Database.Statement;
  private readonly totals: Database.Statement;
  private readonly move: Database.Transaction<(budget: number) => number>;
  private readonly appendMany: Database.Transaction<(groups: readonly JournalGroup[]) => void>;
  private readonly syncNormal: Database.Statement;
  private readonly passive: Database.Statement;
  private readonly syncFull: Database.Statement;
  /** The row being moved in several steps, decoded once. */
  private open: { seq: number; d: DecodedGroup } | null = null;

  constructor(db: Database.Database) {
    this.insertGroup = db.prepare("INSERT INTO prediction_journal (n, nums, strs) VALUES (?, ?, ?)");
    this.appendMany = db.transaction((groups: readonly JournalGroup[]) => {
      for (const g of groups) this.append(g);
    });
    this.syncNormal = db.prepare("PRAGMA synchronous = NORMAL");
    this.syncFull = db.prepare("PRAGMA synchronous = FULL");
    this.passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    this.pick = db.prepare("SELECT seq, n, moved, nums, strs FROM prediction_journal ORDER BY seq LIMIT 1");
    this.remove = db.prepare("DELETE FROM prediction_journal WHERE seq = ?");
    this.advance = db.prepare("UPDATE prediction_journal SET moved = ? WHERE seq = ?");
    this.last = db.prepare("SELECT MAX(seq) AS s FROM prediction_journal");
    this.first = db.prepare("SELECT MIN(seq) AS s FROM prediction_journal");
    this.totals = db.prepare("SELECT COALESCE(SUM(n - moved), 0) AS n FROM prediction_journal");
    const insert = db.prepare(
      `INSERT OR IGNORE INTO predictions (${PREDICTION_COLUMNS.join(", ")}) VALUES (${PREDICTION_COLUMNS.map(() => "?").join(", ")})`,
    );
    this.move = db.transaction((budget: number) => {
      let moved = 0;
      while (moved < budget) {
        const r = this.pick.get() as JournalRow | undefined;
        if (!r) break;
        if (this.open?.seq !== r.seq) {
          this.open = { seq: r.seq, d: decodeGroup(storedGroup(r.n, r.nums, r.strs, r.seq)) };
        }
        const d = this.open.d;
        // Part of a row when it is larger than what is left of the budget: `moved` is the resume point.
        const end = Math.min(r.n, r.moved + (budget - moved));
        for (let i = r.moved; i < end; i++) insert.run(rowValues(d, i));
        if (end === r.n) this.remove.run(r.seq);
        else this.advance.run(end, r.seq);
        moved += end - r.moved;
      }
      return moved;
    });
  }

  /** Appends a group in its own transaction (durable when this returns); returns its sequence number. */
  append(g: JournalGroup): number {
    const nums = Buffer.from(g.buf, 0, g.numsBytes);
    const text = Buffer.from(g.buf, g.numsBytes, g.textBytes);
    return Number(this.insertGroup.run(g.n, nums, text).lastInsertRowid);
  }

  /** Appends groups, a row each, in one transaction (one fsync; durable when this returns). */
  appendAll(groups: readonly JournalGroup[]): void {
    if (groups.length === 1) this.append(groups[0]);
    else this.appendMany(groups);
  }

  /** Moves up to `budget` records, oldest first, in one transaction; returns how many (0: journal empty). */
  step(budget: number): number {
    // A move needs no fsync of its own: what it moves is already durable in the journal, and it
    // deletes the journal rows in the same transaction. Lost in a power cut, the move is simply
    // undone and done again; the next append's fsync (FULL) makes it durable along with itself.
    // This keeps the disk's latency out of the moves, and so out of the appends waiting behind them.
    this.syncNormal.run();
    try {
      // IMMEDIATE: take the write lock before reading the journal. A deferred transaction that reads
      // first fails at once (SQLITE_BUSY, no busy wait) when another connection wrote in between.
      return this.move.immediate(budget);
    } catch (e) {
      this.open = null; // rolled back: `moved` may not be what the cache thinks
      throw e;
    } finally {
      this.syncFull.run();
    }
  }

  /** Copies what it can of the WAL into the database file without waiting for readers or writers. */
  checkpoint(): void {
    this.passive.get();
  }

  /** Records still to move. */
  backlog(): number {
    return (this.totals.get() as { n: number }).n;
  }

  /** The newest journal row's sequence number, or 0 when the journal is empty. */
  lastSeq(): number {
    return (this.last.get() as { s: number | null }).s ?? 0;
  }

  /** True once every journal row up to `seq` has been moved. */
  movedThrough(seq: number): boolean {
    const s = (this.first.get() as { s: number | null }).s;
    return s === null || s > seq;
  }
}

/** Records in the journal and in the table together: what a reader outside the store counts as logged. */
export function countLoggedRecords(db: Database.Database): number {
  // One statement, one read snapshot: a compaction moving rows between the two cannot be counted twice.
  return (
    db
      .prepare(
        "SELECT (SELECT COUNT(*) FROM predictions) + (SELECT COALESCE(SUM(n - moved), 0) FROM prediction_journal) AS n",
      )
      .get() as { n: number }
  ).n;
}
