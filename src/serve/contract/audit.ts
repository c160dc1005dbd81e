// The retraining audit of a data-contract server: alerts, triggers, decisions and promotions, and
// the alert sightings that deduplicate a storm; the monitor's history (its snapshots); and what
// became of the plan's tasks (done, skipped with a reason: plan/outcomes.ts). A small SQLite file
// beside the history log (one per contract), so a restart forgets nothing (issue 18, item 10). Its
// page query is store/audit.ts's, shared with the PostgreSQL audit (audit-postgres.ts).
import { chmodSync } from "node:fs";
import Database from "better-sqlite3";
import { MONITOR_HISTORY_KEEP } from "../../core/limits.js";
import { auditEventsOf, auditPageSql, payloadsOf, snapshotsOf } from "../../store/audit.js";
import type { AuditStore } from "../../retrain/ports.js";
import { type OutcomeStore, type TaskOutcome, mayFollow } from "../../plan/outcomes.js";
import type { ContractPlannedTask } from "../../plan/contract-report.js";
import type {
  AuditEvent,
  AuditQuery,
  MonitorSnapshot,
  MonitorSnapshotStore,
  StoredAuditEvent,
} from "../../store/types.js";

/** What an audit store of a contract server is, in a file here or in PostgreSQL (audit-postgres.ts). */
export interface ContractAuditStore extends AuditStore, MonitorSnapshotStore, OutcomeStore {}

export class SqliteAuditStore implements ContractAuditStore {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS audit_kind ON audit (kind, id);
      CREATE TABLE IF NOT EXISTS alert_seen (fingerprint TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS monitor_snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        model_version TEXT NOT NULL,
        payload TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS monitor_snapshots_at ON monitor_snapshots (at);
      CREATE TABLE IF NOT EXISTS plan_outcomes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        recorded_at INTEGER NOT NULL,
        payload TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS plan_outcomes_at ON plan_outcomes (recorded_at);
      CREATE TABLE IF NOT EXISTS plan_tasks (
        id TEXT PRIMARY KEY,
        shift_start INTEGER NOT NULL,
        payload TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS plan_tasks_start ON plan_tasks (shift_start);`);
    // Alert texts and training reasons are operators' business only, like the tokens file.
    if (path !== ":memory:") chmodSync(path, 0o600);
  }

  async appendAudit(e: AuditEvent): Promise<void> {
    this.db
      .prepare("INSERT INTO audit (at, kind, payload) VALUES (?, ?, ?)")
      .run(e.at, e.kind, JSON.stringify(e.payload ?? null));
  }

  async pageAudit(q: AuditQuery): Promise<StoredAuditEvent[]> {
    const { sql, params } = auditPageSql(q, "?");
    return auditEventsOf(this.db.prepare(sql).all(...params));
  }

  /** The last sighting is kept, older ones forgotten. */
  async seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null> {
    return this.db.transaction((): number | null => {
      const prev = this.db.prepare("SELECT at FROM alert_seen WHERE fingerprint = ?").get(fingerprint) as
        | { at: number }
        | undefined;
      this.db.prepare("DELETE FROM alert_seen WHERE at < ?").run(forgetBefore);
      this.db
        .prepare(
          "INSERT INTO alert_seen (fingerprint, at) VALUES (?, ?) ON CONFLICT (fingerprint) DO NOTHING",
        )
        .run(fingerprint, at);
      return prev && prev.at >= forgetBefore ? prev.at : null;
    })();
  }

  async saveSnapshot(s: MonitorSnapshot, unlessAfter?: number): Promise<boolean> {
    return this.db.transaction((): boolean => {
      if (
        unlessAfter !== undefined &&
        this.db.prepare("SELECT 1 FROM monitor_snapshots WHERE at > ? LIMIT 1").get(unlessAfter)
      )
        return false;
      const { lastInsertRowid } = this.db
        .prepare("INSERT INTO monitor_snapshots (at, model_version, payload) VALUES (?, ?, ?)")
        .run(s.at, s.modelVersion, JSON.stringify(s.payload ?? null));
      // Ids are consecutive (AUTOINCREMENT, rows leave only here): the newest KEEP are the last KEEP ids.
      this.db
        .prepare("DELETE FROM monitor_snapshots WHERE id <= ?")
        .run(Number(lastInsertRowid) - MONITOR_HISTORY_KEEP);
      return true;
    })();
  }

  async listSnapshots(limit: number): Promise<MonitorSnapshot[]> {
    return snapshotsOf(
      this.db
        .prepare("SELECT at, model_version, payload FROM monitor_snapshots ORDER BY at DESC, id DESC LIMIT ?")
        .all(limit),
    );
  }

  /** Checked and written in one transaction; synchronous = FULL: on disk when it returns. */
  async recordOutcome(o: TaskOutcome, recordedAt: number): Promise<TaskOutcome | null> {
    return this.db.transaction((): TaskOutcome | null => {
      const [prior] = payloadsOf<TaskOutcome>(
        this.db.prepare("SELECT payload FROM plan_outcomes WHERE id = ?").all(o.id),
      );
      if (prior && !mayFollow(prior.status, o.status)) return prior;
      // Deleted and inserted, not updated: a new seq, so the list keeps the order they were marked in.
      this.db.prepare("DELETE FROM plan_outcomes WHERE id = ?").run(o.id);
      this.db
        .prepare("INSERT INTO plan_outcomes (id, recorded_at, payload) VALUES (?, ?, ?)")
        .run(o.id, recordedAt, JSON.stringify(o));
      return null;
    })();
  }

  async listOutcomes(since: number): Promise<TaskOutcome[]> {
    return payloadsOf(
      this.db.prepare("SELECT payload FROM plan_outcomes WHERE recorded_at >= ? ORDER BY seq").all(since),
    );
  }

  async replacePlanTasks(
    now: number,
    tasks: readonly ContractPlannedTask[],
    keepSince: number,
  ): Promise<void> {
    const put = this.db.prepare(
      "INSERT OR REPLACE INTO plan_tasks (id, shift_start, payload) VALUES (?, ?, ?)",
    );
    this.db.transaction(() => {
      this.db
        .prepare(
          "DELETE FROM plan_tasks WHERE (shift_start >= ? AND id NOT IN (SELECT id FROM plan_outcomes)) OR shift_start < ?",
        )
        .run(now, keepSince);
      for (const t of tasks) put.run(t.id, Date.parse(t.shift.start), JSON.stringify(t));
    })();
  }

  async listPlanTasks(since: number): Promise<ContractPlannedTask[]> {
    return payloadsOf(
      this.db
        .prepare("SELECT payload FROM plan_tasks WHERE shift_start >= ? ORDER BY shift_start, id")
        .all(since),
    );
  }

  close(): void {
    this.db.close();
  }
}
