// The history log in PostgreSQL, shared by every replica serving one contract: one table, one
// bigserial sequence for the readings, events and labels of every replica. Every write takes one advisory
// lock inside its transaction, so seqs are handed out in commit order: a reader that sees seq n
// committed also sees every seq below n, and "entries after the last seq I applied" never misses
// one that was still in flight. Durable when a promise resolves (synchronous_commit on).
import type pg from "pg";
import { inTransaction, openPool } from "../postgres/transaction.js";
import { columnList } from "../../core/columns.js";
import type * as Log from "./types.js";
import { SHADOW_SCORE_FIELDS } from "./types.js";
import { judgeLabels } from "./labels.js";
import { packGroups } from "./packed-columns.js";
import { PgHealth, probeWrite, type Wrote } from "./postgres-health.js";
import { entriesAfter, insertRows, lookUpLabels } from "./postgres-rows.js";
import { EntryAppends, type StoredRow, storedRows } from "./entries.js";
import { SHADOW_SELECT } from "../shadow-rows.js";
import { prepareHistoryTables } from "./postgres-schema.js";
import type { WriteProblem } from "../write-problem.js";

/** Advisory lock key ("MWHL"): writes; distinct from the others. */
const WRITE_LOCK = 0x4d57484c;

export interface PostgresHistoryLogOptions {
  url: string;
  /** The contract's name: replicas of one contract share a log; other contracts' entries are apart. */
  contract: string;
  /** A row-labelled contract's log: its labels find readings by id (postgres-schema.ts). */
  labelled?: boolean;
}

export class PostgresHistoryLog extends EntryAppends implements Log.HistoryLog {
  readonly shared = true;
  private readonly pool: pg.Pool;
  private readonly contract: string;
  private readonly labelled: boolean;
  /** Unreachable, or refusing writes: learnt from every operation (postgres-health.ts). */
  private readonly health = new PgHealth();

  constructor(opts: PostgresHistoryLogOptions) {
    super();
    this.contract = opts.contract;
    this.labelled = opts.labelled ?? false;
    this.pool = openPool(opts.url, "millwright-history", { keepAlive: true });
  }

  /**
   * A transaction, under the write lock unless `lock` is false. Every operation passes through
   * this.health.seen, so the log knows whether the server answers without a query of its own:
   * readiness asks per probe, and a replica's follow (every MILLWRIGHT_HISTORY_FOLLOW_MS, a
   * write-lock transaction) keeps it fresh with no traffic.
   */
  private tx<T>(fn: (c: pg.PoolClient, w: Wrote) => Promise<T>, lock = true): Promise<T> {
    const w: Wrote = { wrote: false };
    return this.health.seen(
      inTransaction(this.pool, async (c) => {
        if (lock) await c.query("SELECT pg_advisory_xact_lock($1)", [WRITE_LOCK]);
        return fn(c, w);
      }),
      w,
    );
  }

  writeProblem(): WriteProblem | null {
    return this.health.problem();
  }

  async init(): Promise<void> {
    await this.tx((c) => prepareHistoryTables(c, this.labelled), false);
  }

  /** Inserts (postgres-rows.ts) and notes that this transaction wrote, for the health's recovery. */
  private async insert(c: pg.PoolClient, rows: StoredRow[], w: Wrote): Promise<number[]> {
    const seqs = await insertRows(c, this.contract, rows);
    if (rows.length > 0) w.wrote = true;
    return seqs;
  }

  private write(rows: StoredRow[]): Promise<number[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return this.tx((c, w) => this.insert(c, rows, w));
  }

  protected append(entries: Log.LogEntry[]): Promise<number[]> {
    return this.write(storedRows(entries));
  }

  /** Packed from the columns (packed-columns.ts): the same rows appendReadings writes, no object per reading. */
  appendReadingColumns(g: Log.ReadingGroup): Promise<number[]> {
    return this.write(packGroups([g]));
  }

  /** Judged and logged under the write lock, so no replica logs a label between look-up and insert. */
  appendLabels(labels: Log.LabelIn[]): Promise<Log.LabelOutcome[]> {
    if (labels.length === 0) return Promise.resolve([]);
    const ids = [...new Set(labels.map((l) => l.id))];
    return this.tx(async (c, w) => {
      const { reading, prior } = await lookUpLabels(c, this.contract, ids);
      const { outcomes, fresh } = judgeLabels(
        labels,
        (id) => reading.get(id),
        (id) => prior.get(id),
      );
      await this.insert(c, storedRows(fresh.map((label) => ({ type: "label", label }))), w);
      return outcomes;
    });
  }

  entriesAfter(seq: number, limit?: number): Promise<Log.SeqEntry[]> {
    return this.health.seen(entriesAfter(this.pool, this.contract, seq, limit));
  }

  exclusive<T>(
    afterSeq: number,
    step: (entries: Log.SeqEntry[]) => Log.StepOutput<T>,
  ): Promise<{ result: T; seqs: number[]; lastSeq: number }> {
    return this.tx(async (c, w) => {
      const before = await entriesAfter(c, this.contract, afterSeq);
      const { append, result } = step(before);
      const seqs = await this.insert(c, storedRows(append), w);
      if (!w.wrote && this.health.refusing()) await probeWrite(c, w);
      const lastSeq = seqs.length > 0 ? seqs[seqs.length - 1] : (before.at(-1)?.seq ?? afterSeq);
      return { result, seqs, lastSeq };
    });
  }

  async appendShadow(rows: Log.ShadowScore[]): Promise<void> {
    if (rows.length === 0) return;
    await this.health.seen(
      this.pool.query(
        `INSERT INTO history_shadow (contract, id, machine, t, model_version, p, champion_version, champion_p, scored_at)
         SELECT $1, u.* FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::float8[], $7::text[], $8::float8[], $9::int8[]) AS u
         ON CONFLICT DO NOTHING`,
        [this.contract, ...columnList(rows, SHADOW_SCORE_FIELDS)],
      ),
    );
  }

  async shadowScores(limit: number): Promise<Log.ShadowScore[]> {
    const { rows } = await this.health.seen(
      this.pool.query<Omit<Log.ShadowScore, "scoredAt"> & { scoredAt: string }>(
        `SELECT ${SHADOW_SELECT} FROM (SELECT * FROM history_shadow WHERE contract = $1 ORDER BY n DESC LIMIT $2) x ORDER BY n`,
        [this.contract, limit],
      ),
    );
    // bigint comes back as a string; the double precision columns as numbers.
    return rows.map((r) => ({ ...r, scoredAt: Number(r.scoredAt) }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
