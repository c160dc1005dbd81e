// The history log in an embedded SQLite file (WAL, synchronous=FULL: a commit is on disk before a
// promise resolves). Appends from one event-loop turn share one transaction (group commit), so a
// burst of single readings costs one fsync, not one each.
import { chmodSync } from "node:fs";
import Database from "better-sqlite3";
import { MillwrightError } from "../../core/errors.js";
import type { HistoryLog, LogEntry, LoggedEvent, LoggedReading, SeqEntry, StepOutput } from "./types.js";

/** On-disk layout version, checked on open: a file from a newer layout is refused, not misread. */
const LAYOUT = 1;

type Job = { run: () => number[]; resolve: (seqs: number[]) => void; reject: (e: unknown) => void };

type Row = { seq: number; type: string; body: string };

function entryOf(row: Row): SeqEntry {
  return row.type === "reading"
    ? { seq: row.seq, type: "reading", reading: JSON.parse(row.body) as LoggedReading }
    : { seq: row.seq, type: "event", event: JSON.parse(row.body) as LoggedEvent };
}

export class SqliteHistoryLog implements HistoryLog {
  /** One server owns the file: nobody else appends, so no catching up per request. */
  readonly shared = false;
  private readonly db: Database.Database;
  private queue: Job[] = [];
  private scheduled = false;

  constructor(readonly path: string) {
    try {
      this.db = new Database(path);
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
      CREATE INDEX IF NOT EXISTS log_machine ON log (machine, seq);
    `);
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as
      | { value: string }
      | undefined;
    if (!row) this.db.prepare("INSERT INTO meta (key, value) VALUES ('layout', ?)").run(String(LAYOUT));
    else if (Number(row.value) !== LAYOUT)
      throw new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `${path}: history log layout ${row.value}, this Millwright reads ${LAYOUT}`,
      );
  }

  async init(): Promise<void> {
    // Opened and checked in the constructor (synchronous driver); here for the interface.
  }

  private enqueue(run: () => number[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ run, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    let seqs: number[][];
    try {
      seqs = this.db.transaction(() => jobs.map((j) => j.run()))();
    } catch (e) {
      for (const j of jobs)
        j.reject(
          new MillwrightError("MW_STORE_UNAVAILABLE", `history log write failed: ${(e as Error).message}`),
        );
      return;
    }
    for (let i = 0; i < jobs.length; i++) jobs[i].resolve(seqs[i]);
  }

  private insert(entries: LogEntry[]): number[] {
    const reading = this.db.prepare(
      "INSERT INTO log (type, id, machine, t, body) VALUES ('reading', ?, ?, ?, ?)",
    );
    // Duplicates are settled by the server before it applies an event (it knows every id it was
    // told); OR IGNORE only keeps a retried write from failing on the unique index.
    const event = this.db.prepare(
      "INSERT OR IGNORE INTO log (type, id, machine, t, body) VALUES ('event', ?, ?, ?, ?)",
    );
    const seqs: number[] = [];
    for (const e of entries) {
      const x = e.type === "reading" ? e.reading : e.event;
      const r = (e.type === "reading" ? reading : event).run(x.id, x.machine, x.time, JSON.stringify(x));
      if (r.changes > 0) seqs.push(Number(r.lastInsertRowid));
    }
    return seqs;
  }

  appendReadings(rows: LoggedReading[]): Promise<number[]> {
    return this.enqueue(() => this.insert(rows.map((reading) => ({ type: "reading", reading }))));
  }

  appendEvents(events: LoggedEvent[]): Promise<number[]> {
    return this.enqueue(() => this.insert(events.map((event) => ({ type: "event", event }))));
  }

  private after(seq: number, limit?: number): SeqEntry[] {
    const rows = this.db
      .prepare(`SELECT seq, type, body FROM log WHERE seq > ? ORDER BY seq${limit ? " LIMIT ?" : ""}`)
      .all(...(limit ? [seq, limit] : [seq])) as Row[];
    return rows.map(entryOf);
  }

  async entriesAfter(seq: number, limit?: number): Promise<SeqEntry[]> {
    return this.after(seq, limit);
  }

  async exclusive<T>(
    afterSeq: number,
    step: (entries: SeqEntry[]) => StepOutput<T>,
  ): Promise<{ result: T; seqs: number[]; lastSeq: number }> {
    if (this.queue.length > 0) this.flush(); // appends made before this call come first
    // IMMEDIATE takes the write lock at BEGIN, so another connection on the file waits for us.
    return this.db
      .transaction(() => {
        const { append, result } = step(this.after(afterSeq));
        const seqs = this.insert(append);
        const last = this.db.prepare("SELECT COALESCE(MAX(seq), 0) AS s FROM log").get() as { s: number };
        return { result, seqs, lastSeq: last.s };
      })
      .immediate();
  }

  async close(): Promise<void> {
    if (this.queue.length > 0) this.flush();
    this.db.close();
  }
}
