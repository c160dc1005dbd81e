// The prediction log in PostgreSQL, shared by every replica (chosen by DATABASE_URL). Group commit as
// in SQLite: each flush is ONE multi-row INSERT (unnest of column arrays: one statement shape, no
// 65,535-parameter ceiling) committed on its own; ON CONFLICT (id) DO NOTHING makes replays harmless.
import pg from "pg";
import { type FlushInfo, GroupCommitter, type GroupCommitStats } from "../group-commit.js";
import { addFeedbackPg } from "./feedback.js";
import { migratePostgres } from "./schema.js";
import { inTransaction } from "./transaction.js";
import { countPredictions, streamPredictions } from "../query.js";
import {
  JOINED_SELECT,
  type JoinedRow,
  PREDICTION_COLUMNS,
  predictionValues,
  rowToPrediction,
  type SqlValue,
} from "../rows.js";
import type * as Store from "../types.js";
import { auditPageSql } from "../audit.js";
import { type ShadowRow, shadowOfRow } from "../shadow-rows.js";

/** First key of the per-fingerprint advisory lock ("MWAL"); distinct from migration and leader keys. */
const ALERT_LOCK_KEY = 0x4d57414c;
import { isUnavailableError } from "../unavailable.js";

export interface PostgresStoreOptions {
  /** postgres://user:pass@host:port/db */
  url: string;
  pageSize?: number;
  maxBatch?: number;
  poolSize?: number;
  /** Fail fast when the server does not answer, so callers can spool (default 3000 ms). */
  connectTimeoutMs?: number;
  /** Client-side bound on any query, covering half-open connections (default 10000 ms). */
  queryTimeoutMs?: number;
  onFlush?: (info: FlushInfo) => void;
}

const COLUMN_TYPES: Record<(typeof PREDICTION_COLUMNS)[number], string> = {
  id: "text",
  request_id: "text",
  model_name: "text",
  model_version: "text",
  predicted_at: "int8",
  type: "text",
  air_temperature: "float8",
  process_temperature: "float8",
  rotational_speed: "float8",
  torque: "float8",
  tool_wear: "float8",
  machine_id: "text",
  machine_model: "text",
  reading_timestamp: "text",
  failure_probability: "float8",
  failure_predicted: "bool",
  modes: "jsonb",
};

const INSERT_PREDICTIONS = `INSERT INTO predictions (${PREDICTION_COLUMNS.join(", ")})
  SELECT * FROM unnest(${PREDICTION_COLUMNS.map((c, i) => `$${i + 1}::${COLUMN_TYPES[c]}[]`).join(", ")})
  ON CONFLICT (id) DO NOTHING`;

/** `?` placeholders (shared query builder) to PostgreSQL's `$n`. */
const numbered = (sql: string): string => {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
};

export class PostgresStore implements Store.PredictionStore {
  readonly kind = "postgres" as const;
  readonly url: string;
  private readonly pool: pg.Pool;
  private readonly committer: GroupCommitter<Store.PredictionRecord>;
  private readonly pageSize: number;
  private closed = false;

  constructor(opts: PostgresStoreOptions) {
    this.url = opts.url;
    this.pageSize = opts.pageSize ?? 500;
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 3000,
      query_timeout: opts.queryTimeoutMs ?? 10_000,
      keepAlive: true,
      application_name: "millwright",
    });
    // An idle client whose server went away emits 'error'; unhandled, it would crash the process.
    // The pool drops that client; the next query reconnects or fails (and the caller spools).
    this.pool.on("error", () => {});
    this.committer = new GroupCommitter({
      write: (records) => this.writeBatch(records),
      maxBatch: opts.maxBatch,
      onFlush: opts.onFlush,
      retrySeparately: (e) => !isUnavailableError(e),
    });
  }

  async init(): Promise<void> {
    await migratePostgres(this.pool);
  }

  stats(): GroupCommitStats {
    return { ...this.committer.stats };
  }

  logPredictions(records: Store.PredictionRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("PostgresStore: store closed"));
    return this.committer.enqueue(records);
  }

  private async writeBatch(records: Store.PredictionRecord[]): Promise<void> {
    const columns: SqlValue[][] = PREDICTION_COLUMNS.map(() => new Array(records.length));
    records.forEach((r, i) => {
      predictionValues(r, (b) => b).forEach((v, c) => {
        columns[c][i] = v;
      });
    });
    // A single statement is its own transaction: durable (synchronous_commit) when it returns.
    await this.pool.query(INSERT_PREDICTIONS, columns);
  }

  addFeedback(items: Store.FeedbackItem[]): Promise<Store.FeedbackOutcome[]> {
    return addFeedbackPg(this.pool, items);
  }

  async getPrediction(id: string): Promise<Store.LabelledPrediction | null> {
    const { rows } = await this.pool.query<JoinedRow>(`${JOINED_SELECT} WHERE p.id = $1`, [id]);
    return rows.length ? rowToPrediction(rows[0]) : null;
  }

  queryPredictions(opts: Store.QueryOptions): AsyncIterable<Store.LabelledPrediction> {
    return streamPredictions(this.all, opts, this.pageSize);
  }

  countPredictions(opts?: Store.QueryOptions): Promise<number> {
    return countPredictions(this.all, opts);
  }

  async saveSnapshot(s: Store.MonitorSnapshot): Promise<void> {
    await this.pool.query("INSERT INTO snapshots (at, model_version, payload) VALUES ($1, $2, $3::jsonb)", [
      s.at,
      s.modelVersion,
      JSON.stringify(s.payload ?? null),
    ]);
  }

  async listSnapshots(limit: number): Promise<Store.MonitorSnapshot[]> {
    const { rows } = await this.pool.query<{ at: string; model_version: string; payload: unknown }>(
      "SELECT at, model_version, payload FROM snapshots ORDER BY at DESC, id DESC LIMIT $1",
      [limit],
    );
    return rows.map((r) => ({ at: Number(r.at), modelVersion: r.model_version, payload: r.payload }));
  }

  async appendAudit(e: Store.AuditEvent): Promise<void> {
    await this.pool.query("INSERT INTO audit (at, kind, payload) VALUES ($1, $2, $3::jsonb)", [
      e.at,
      e.kind,
      JSON.stringify(e.payload ?? null),
    ]);
  }

  async listAudit(kind?: string, limit = 100): Promise<Store.AuditEvent[]> {
    const { rows } = await this.pool.query<{ at: string; kind: string; payload: unknown }>(
      kind === undefined
        ? "SELECT at, kind, payload FROM audit ORDER BY at DESC, id DESC LIMIT $1"
        : "SELECT at, kind, payload FROM audit WHERE kind = $2 ORDER BY at DESC, id DESC LIMIT $1",
      kind === undefined ? [limit] : [limit, kind],
    );
    return rows.map((r) => ({ at: Number(r.at), kind: r.kind, payload: r.payload }));
  }

  async pageAudit(q: Store.AuditQuery): Promise<Store.StoredAuditEvent[]> {
    const { sql, params } = auditPageSql(q, "$");
    const { rows } = await this.pool.query<{ id: string; at: string; kind: string; payload: unknown }>(
      sql,
      params,
    );
    return rows.map((r) => ({ id: Number(r.id), at: Number(r.at), kind: r.kind, payload: r.payload }));
  }

  async seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null> {
    return inTransaction(this.pool, async (client) => {
      // Serialises sightings of one fingerprint across replicas, also when it has no row yet.
      await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [ALERT_LOCK_KEY, fingerprint]);
      const { rows } = await client.query<{ last_seen: string }>(
        "SELECT last_seen FROM alert_fingerprints WHERE fingerprint = $1",
        [fingerprint],
      );
      await client.query("DELETE FROM alert_fingerprints WHERE last_seen < $1", [forgetBefore]);
      await client.query(
        "INSERT INTO alert_fingerprints (fingerprint, last_seen) VALUES ($1, $2) ON CONFLICT (fingerprint) DO UPDATE SET last_seen = EXCLUDED.last_seen",
        [fingerprint, at],
      );
      const prev = rows.length ? Number(rows[0].last_seen) : null;
      return prev !== null && prev >= forgetBefore ? prev : null;
    });
  }

  async logShadow(rows: Store.ShadowScoreRecord[]): Promise<void> {
    if (rows.length === 0) return;
    return inTransaction(this.pool, async (client) => {
      // Best effort: no wait for the WAL flush, so shadow rows never hold up the answers' commits.
      await client.query("SET LOCAL synchronous_commit = off");
      await client.query(
        `INSERT INTO shadow_scores (prediction_id, model_version, failure_probability, champion_version, champion_probability, scored_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::float8[], $6::bigint[])
         ON CONFLICT DO NOTHING`,
        [
          rows.map((r) => r.predictionId),
          rows.map((r) => r.modelVersion),
          rows.map((r) => r.failureProbability),
          rows.map((r) => r.championVersion),
          rows.map((r) => r.championProbability),
          rows.map((r) => r.scoredAt),
        ],
      );
    });
  }

  async shadowScores(limit: number): Promise<Store.ShadowScoreRecord[]> {
    const { rows } = await this.pool.query<ShadowRow>(
      "SELECT * FROM (SELECT * FROM shadow_scores ORDER BY n DESC LIMIT $1) x ORDER BY n",
      [limit],
    );
    return rows.map(shadowOfRow);
  }

  async healthy(): Promise<boolean> {
    try {
      await this.pool.query("SELECT 1");
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.committer.drain();
    this.closed = true;
    await this.pool.end();
  }

  private readonly all = async <R>(sql: string, params: SqlValue[]): Promise<R[]> =>
    (await this.pool.query(numbered(sql), params)).rows as R[];
}
