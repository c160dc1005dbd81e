// The retraining audit of a data-contract server in cluster mode: the same trail as audit.ts, in
// the PostgreSQL every replica shares (one trail per contract). Kept in a file of each replica's
// data directory, every replica had its own alert sightings and last trigger: an Alertmanager
// webhook that reached two replicas started two retrainings, and both promoted. One table here,
// and `exclusive` (a session advisory lock) makes deciding an alert one replica's step at a time.
// The monitor's history is here too, one for the replicas (each keeps a point only when none of
// the others has kept one within the interval). And what became of the plan's tasks (done, skipped
// with a reason): one list for the replicas, so a task skipped on one is not planned on another.
import type pg from "pg";
import { auditEventsOf, auditPageSql, payloadsOf, snapshotsOf } from "../../store/audit.js";
import { checkOut, inTransaction, openPool } from "../../store/postgres/transaction.js";
import { storeError } from "../../store/unavailable.js";
import type { TaskOutcome } from "../../plan/outcomes.js";
import type { ContractPlannedTask } from "../../plan/contract-report.js";
import { MONITOR_HISTORY_KEEP } from "../../core/limits.js";
import type { AuditEvent, AuditQuery, MonitorSnapshot, StoredAuditEvent } from "../../store/types.js";
import type { ContractAuditStore } from "./audit.js";

/** Advisory lock keys ("MWAS", "MWAD", "MWAM"): creating the tables, deciding alerts, keeping a snapshot. */
const SCHEMA_LOCK = 0x4d574153;
const DECIDE_LOCK = 0x4d574144;
const SNAPSHOT_LOCK = 0x4d57414d;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS contract_audit (
    id bigserial PRIMARY KEY,
    contract text NOT NULL,
    at bigint NOT NULL,
    kind text NOT NULL,
    payload text NOT NULL);
  CREATE INDEX IF NOT EXISTS contract_audit_kind ON contract_audit (contract, kind, id);
  CREATE TABLE IF NOT EXISTS contract_alert_seen (
    contract text NOT NULL,
    fingerprint text NOT NULL,
    at bigint NOT NULL,
    PRIMARY KEY (contract, fingerprint));
  CREATE TABLE IF NOT EXISTS contract_snapshots (
    id bigserial PRIMARY KEY,
    contract text NOT NULL,
    at bigint NOT NULL,
    model_version text NOT NULL,
    payload text NOT NULL);
  CREATE INDEX IF NOT EXISTS contract_snapshots_at ON contract_snapshots (contract, at);
  CREATE TABLE IF NOT EXISTS contract_plan_outcomes (
    contract text NOT NULL,
    id text NOT NULL,
    seq bigserial NOT NULL,
    status text NOT NULL,
    recorded_at bigint NOT NULL,
    payload text NOT NULL,
    PRIMARY KEY (contract, id));
  CREATE INDEX IF NOT EXISTS contract_plan_outcomes_at ON contract_plan_outcomes (contract, recorded_at);
  CREATE TABLE IF NOT EXISTS contract_plan_tasks (
    contract text NOT NULL,
    id text NOT NULL,
    shift_start bigint NOT NULL,
    payload text NOT NULL,
    PRIMARY KEY (contract, id));
  CREATE INDEX IF NOT EXISTS contract_plan_tasks_start ON contract_plan_tasks (contract, shift_start);`;

export class PostgresAuditStore implements ContractAuditStore {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly contract: string,
  ) {
    this.pool = openPool(url, "millwright-audit");
  }

  /** `what` names the store in the error: a technician's skip is not about retraining. */
  private run<T>(fn: () => Promise<T>, what = "retraining audit"): Promise<T> {
    return fn().catch((e) => {
      throw storeError(e, (m) => `${what} (PostgreSQL): ${m}`);
    });
  }

  /** The rows of one statement on this contract's rows: `$1` is the contract, `params` from `$2`. */
  private rows<R extends pg.QueryResultRow>(sql: string, params: unknown[], what?: string): Promise<R[]> {
    return this.run(async () => (await this.pool.query<R>(sql, [this.contract, ...params])).rows, what);
  }

  /** Creates the tables if missing (safe from several replicas at once: the lock queues them). */
  init(): Promise<void> {
    return this.run(() =>
      inTransaction(this.pool, async (c) => {
        await c.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
        await c.query(SCHEMA);
      }),
    );
  }

  async appendAudit(e: AuditEvent): Promise<void> {
    const sql = "INSERT INTO contract_audit (contract, at, kind, payload) VALUES ($1, $2, $3, $4)";
    await this.rows(sql, [e.at, e.kind, JSON.stringify(e.payload ?? null)]);
  }

  pageAudit(q: AuditQuery): Promise<StoredAuditEvent[]> {
    return this.run(async () => {
      const { sql, params } = auditPageSql(q, "$", { table: "contract_audit", contract: this.contract });
      return auditEventsOf((await this.pool.query(sql, params)).rows);
    });
  }

  /** As audit.ts: the last sighting is kept, older ones forgotten; one transaction. */
  seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null> {
    return this.run(() =>
      inTransaction(this.pool, async (c) => {
        const { rows } = await c.query<{ at: string }>(
          "SELECT at FROM contract_alert_seen WHERE contract = $1 AND fingerprint = $2 FOR UPDATE",
          [this.contract, fingerprint],
        );
        await c.query("DELETE FROM contract_alert_seen WHERE contract = $1 AND at < $2", [
          this.contract,
          forgetBefore,
        ]);
        await c.query(
          `INSERT INTO contract_alert_seen (contract, fingerprint, at) VALUES ($1, $2, $3)
           ON CONFLICT (contract, fingerprint) DO NOTHING`,
          [this.contract, fingerprint, at],
        );
        const prev = rows[0] ? Number(rows[0].at) : null;
        return prev !== null && prev >= forgetBefore ? prev : null;
      }),
    );
  }

  /** As audit.ts; the check and the insert under a transaction lock, so two replicas' timers keep one point. */
  saveSnapshot(s: MonitorSnapshot, unlessAfter?: number): Promise<boolean> {
    return this.run(() =>
      inTransaction(this.pool, async (c) => {
        await c.query("SELECT pg_advisory_xact_lock($1)", [SNAPSHOT_LOCK]);
        if (unlessAfter !== undefined) {
          const { rowCount } = await c.query(
            "SELECT 1 FROM contract_snapshots WHERE contract = $1 AND at > $2 LIMIT 1",
            [this.contract, unlessAfter],
          );
          if (rowCount) return false;
        }
        await c.query(
          "INSERT INTO contract_snapshots (contract, at, model_version, payload) VALUES ($1, $2, $3, $4)",
          [this.contract, s.at, s.modelVersion, JSON.stringify(s.payload ?? null)],
        );
        await c.query(
          `DELETE FROM contract_snapshots WHERE contract = $1 AND id <= (
             SELECT id FROM contract_snapshots WHERE contract = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)`,
          [this.contract, MONITOR_HISTORY_KEEP],
        );
        return true;
      }),
    );
  }

  async listSnapshots(limit: number): Promise<MonitorSnapshot[]> {
    const sql =
      "SELECT at, model_version, payload FROM contract_snapshots WHERE contract = $1 ORDER BY at DESC, id DESC LIMIT $2";
    return snapshotsOf(await this.rows(sql, [limit]));
  }

  /**
   * One statement, so two replicas marking one task at once cannot both succeed: the insert, or the
   * replacement plan/outcomes.ts mayFollow allows (skipped, then done), else nothing and the
   * outcome already there is returned. A new seq on replacement keeps the order they were marked in.
   */
  async recordOutcome(o: TaskOutcome, recordedAt: number): Promise<TaskOutcome | null> {
    const written = await this.rows(
      `INSERT INTO contract_plan_outcomes (contract, id, status, recorded_at, payload)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (contract, id) DO UPDATE SET status = excluded.status,
         recorded_at = excluded.recorded_at, payload = excluded.payload,
         seq = nextval(pg_get_serial_sequence('contract_plan_outcomes', 'seq'))
       WHERE contract_plan_outcomes.status = 'skipped' AND excluded.status = 'done'
       RETURNING id`,
      [o.id, o.status, recordedAt, JSON.stringify(o)],
      "plan outcomes",
    );
    if (written.length > 0) return null;
    const sql = "SELECT payload FROM contract_plan_outcomes WHERE contract = $1 AND id = $2";
    const [prior] = payloadsOf<TaskOutcome>(await this.rows(sql, [o.id], "plan outcomes"));
    return prior ?? null;
  }

  async listOutcomes(since: number): Promise<TaskOutcome[]> {
    const sql =
      "SELECT payload FROM contract_plan_outcomes WHERE contract = $1 AND recorded_at >= $2 ORDER BY seq";
    return payloadsOf(await this.rows(sql, [since], "plan outcomes"));
  }

  /** One transaction; replicas planning at once leave the union of their plans' tasks to come. */
  replacePlanTasks(now: number, tasks: readonly ContractPlannedTask[], keepSince: number): Promise<void> {
    return this.run(
      () =>
        inTransaction(this.pool, async (c) => {
          await c.query(
            `DELETE FROM contract_plan_tasks t WHERE t.contract = $1 AND ((t.shift_start >= $2 AND NOT EXISTS
               (SELECT 1 FROM contract_plan_outcomes o WHERE o.contract = $1 AND o.id = t.id)) OR t.shift_start < $3)`,
            [this.contract, now, keepSince],
          );
          if (tasks.length > 0)
            await c.query(
              `INSERT INTO contract_plan_tasks (contract, id, shift_start, payload)
               SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[])
               ON CONFLICT (contract, id) DO UPDATE SET shift_start = excluded.shift_start, payload = excluded.payload`,
              [
                this.contract,
                tasks.map((t) => t.id),
                tasks.map((t) => Date.parse(t.shift.start)),
                tasks.map((t) => JSON.stringify(t)),
              ],
            );
        }),
      "plan tasks",
    );
  }

  async listPlanTasks(since: number): Promise<ContractPlannedTask[]> {
    const sql =
      "SELECT payload FROM contract_plan_tasks WHERE contract = $1 AND shift_start >= $2 ORDER BY shift_start, id";
    return payloadsOf(await this.rows(sql, [since], "plan tasks"));
  }

  /** One replica at a time: a session lock on a connection of its own, held while `fn` runs. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const c = await this.run(async () => {
      const out = await checkOut(this.pool);
      await out.client.query("SELECT pg_advisory_lock($1)", [DECIDE_LOCK]).catch((e) => {
        out.release(true);
        throw e;
      });
      return out;
    });
    let broken = false;
    try {
      return await fn();
    } finally {
      // A connection that cannot unlock is closed, which releases the lock with the session.
      await c.client.query("SELECT pg_advisory_unlock($1)", [DECIDE_LOCK]).catch(() => {
        broken = true;
      });
      c.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
