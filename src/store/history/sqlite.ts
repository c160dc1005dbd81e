// The history log in an embedded SQLite file (WAL, synchronous=FULL: a commit is on disk before a
// promise resolves). Appends from one event-loop turn share one transaction (group commit), so a
// burst of single readings costs one fsync, not one each.
import { chmodSync } from "node:fs";
import Database from "better-sqlite3";
import { MillwrightError } from "../../core/errors.js";
import type { HistoryLog, LogEntry, LoggedEvent, LoggedReading } from "./types.js";

/** On-disk layout version, checked on open: a file from a newer layout is refused, not misread. */
const LAYOUT = 1;

type Job = { run: () => void; resolve: () => void; reject: (e: unknown) => void };

export class SqliteHistoryLog implements HistoryLog {
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

  private enqueue(run: () => void): Promise<void> {
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
    try {
      this.db.transaction(() => {
        for (const j of jobs) j.run();
      })();
    } catch (e) {
      for (const j of jobs)
        j.reject(
          new MillwrightError("MW_STORE_UNAVAILABLE", `history log write failed: ${(e as Error).message}`),
        );
      return;
    }
    for (const j of jobs) j.resolve();
  }

  appendReadings(rows: LoggedReading[]): Promise<void> {
    const ins = this.db.prepare(
      "INSERT INTO log (type, id, machine, t, body) VALUES ('reading', ?, ?, ?, ?)",
    );
    return this.enqueue(() => {
      for (const r of rows) ins.run(r.id, r.machine, r.time, JSON.stringify(r));
    });
  }

  appendEvents(events: LoggedEvent[]): Promise<void> {
    // Duplicates are settled by the server before it applies an event (it knows every id it was
    // told); OR IGNORE only keeps a retried write from failing on the unique index.
    const ins = this.db.prepare(
      "INSERT OR IGNORE INTO log (type, id, machine, t, body) VALUES ('event', ?, ?, ?, ?)",
    );
    return this.enqueue(() => {
      for (const e of events) ins.run(e.id, e.machine, e.time, JSON.stringify(e));
    });
  }

  *replay(): Iterable<LogEntry> {
    for (const row of this.db.prepare("SELECT type, body FROM log ORDER BY seq").iterate() as Iterable<{
      type: string;
      body: string;
    }>) {
      if (row.type === "reading") yield { type: "reading", reading: JSON.parse(row.body) as LoggedReading };
      else yield { type: "event", event: JSON.parse(row.body) as LoggedEvent };
    }
  }

  latest(): LoggedReading[] {
    const rows = this.db
      .prepare(
        "SELECT body FROM log WHERE seq IN (SELECT MAX(seq) FROM log WHERE type = 'reading' GROUP BY machine) ORDER BY machine",
      )
      .all() as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as LoggedReading);
  }

  close(): void {
    if (this.queue.length > 0) this.flush();
    this.db.close();
  }
}
