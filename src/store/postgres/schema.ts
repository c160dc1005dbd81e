// PostgreSQL schema, versioned in schema_migrations. Append migrations; never edit a shipped one.
// Applied at start inside one transaction that holds a transaction-level advisory lock, so replicas
// starting together queue up and each migration runs exactly once.
import type pg from "pg";
import { MillwrightError } from "../../core/errors.js";
import { alertFingerprints, coreTables } from "../schema-tables.js";
import { inTransaction } from "./transaction.js";

/** Advisory lock key for migrations ("MWMG"); distinct from the leader-election key. */
export const MIGRATION_LOCK_KEY = 0x4d574d47;

export const POSTGRES_MIGRATIONS: string[] = [
  // 1: the prediction log, feedback, monitor history, audit trail (the types: schema-tables.ts).
  coreTables("postgres"),
  // 2: when each alert fingerprint was last seen, so retraining dedupe survives a restart and holds
  // across replicas (issue 18).
  alertFingerprints("postgres"),
  // 3: shadow mode's scores beside the champion's (issue 19), keyed by the answer's id; `n` orders
  // them as written. No foreign key: best-effort rows must never fail on a prediction's commit order.
  `CREATE TABLE shadow_scores (
     n bigserial,
     prediction_id text COLLATE "C" NOT NULL,
     model_version text NOT NULL,
     failure_probability double precision NOT NULL,
     champion_version text NOT NULL,
     champion_probability double precision NOT NULL,
     scored_at bigint NOT NULL,
     PRIMARY KEY (prediction_id, model_version)
   );
   CREATE INDEX shadow_scores_n ON shadow_scores (n);`,
];

/** Applies missing migrations; returns the versions applied by this call. */
export async function migratePostgres(pool: pg.Pool): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    const applied: number[] = [];
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > POSTGRES_MIGRATIONS.length) {
      throw new MillwrightError(
        "MW_CONFIG",
        `database schema version ${newest} is newer than this Millwright knows (${POSTGRES_MIGRATIONS.length})`,
        { version: newest },
      );
    }
    for (let v = 1; v <= POSTGRES_MIGRATIONS.length; v++) {
      if (done.has(v)) continue;
      await client.query(POSTGRES_MIGRATIONS[v - 1]);
      await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [v]);
      applied.push(v);
    }
    return applied;
  });
}
