// The history log in PostgreSQL, shared by every replica serving one contract: one table, one
// bigserial sequence for readings and events of every replica. Every write takes one advisory
// lock inside its transaction, so seqs are handed out in commit order: a reader that sees seq n
// committed also sees every seq below n, and "entries after the last seq I applied" never misses
// one that was still in flight. Durable when a promise resolves (synchronous_commit on).
import pg from "pg";
import { MillwrightError } from "../../core/errors.js";
import { inTransaction } from "../postgres/transaction.js";
import type * as Log from "./types.js";
import { isUnavailableError } from "../unavailable.js";

/** Table layout, checked on init: a database from a newer layout is refused, not misread. */
const LAYOUT = 1;
/** Advisory lock keys ("MWHL", "MWHS"): writes, and creating the table; distinct from the others. */
const WRITE_LOCK = 0x4d57484c;
const SCHEMA_LOCK = 0x4d574853;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS history_meta (key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE IF NOT EXISTS history_log (
    seq bigserial PRIMARY KEY,
    contract text NOT NULL,
    type text NOT NULL CHECK (type IN ('reading', 'event')),
    id text COLLATE "C" NOT NULL,
    machine text NOT NULL,
    t double precision NOT NULL,
    body text NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS history_log_event_id ON history_log (contract, id) WHERE type = 'event';
  CREATE INDEX IF NOT EXISTS history_log_contract_seq ON history_log (contract, seq);
  CREATE TABLE IF NOT EXISTS history_shadow (
    contract text NOT NULL,
    id text COLLATE "C" NOT NULL,
    machine text NOT NULL,
    t double precision NOT NULL,
    model_version text NOT NULL,
    p double precision NOT NULL,
    champion_version text NOT NULL,
    champion_p double precision NOT NULL,
    scored_at bigint NOT NULL,
    n bigserial,
    PRIMARY KEY (contract, id, model_version)
  );`;
// history_shadow (shadow mode) is created beside the log by IF NOT EXISTS: a database from before it
// gains the table on the next init, and replay never reads it, so the layout number stays.

// One statement per write whatever its size (arrays, not one parameter per value); WITH ORDINALITY
// and ORDER BY make the seqs follow the order the server applied the entries in. The body is text,
// not jsonb: the exact JSON the server wrote comes back, floats and all.
const INSERT = `INSERT INTO history_log (contract, type, id, machine, t, body)
  SELECT $1, u.type, u.id, u.machine, u.t, u.body
  FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::text[]) WITH ORDINALITY
    AS u(type, id, machine, t, body, ord)
  ORDER BY u.ord
  ON CONFLICT (contract, id) WHERE type = 'event' DO NOTHING
  RETURNING seq`;

export interface PostgresHistoryLogOptions {
  url: string;
  /** The contract's name: replicas of one contract share a log; other contracts' entries are apart. */
  contract: string;
  poolSize?: number;
}

type Row = { seq: string; type: string; body: string };

export class PostgresHistoryLog implements Log.HistoryLog {
  readonly shared = true;
  private readonly pool: pg.Pool;
  private readonly contract: string;

  constructor(opts: PostgresHistoryLogOptions) {
    this.contract = opts.contract;
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 4,
      connectionTimeoutMillis: 3000,
      query_timeout: 30_000,
      keepAlive: true,
      application_name: "millwright-history",
    });
    // An idle client whose server went away emits 'error'; unhandled, it would end the process.
    this.pool.on("error", () => {});
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn).catch((e) => {
      throw e instanceof MillwrightError ? e : unavailable(e);
    });
  }

  async init(): Promise<void> {
    // CREATE ... IF NOT EXISTS alone races (two creators collide on the catalog): the lock queues them.
    await this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
      await c.query(SCHEMA);
      const { rows } = await c.query<{ value: string }>(
        "SELECT value FROM history_meta WHERE key = 'layout'",
      );
      if (rows.length === 0)
        await c.query("INSERT INTO history_meta (key, value) VALUES ('layout', $1)", [String(LAYOUT)]);
      else if (Number(rows[0].value) !== LAYOUT)
        throw new MillwrightError(
          "MW_CONFIG",
          `history log layout ${rows[0].value} in the database, this Millwright reads ${LAYOUT}`,
        );
    });
  }

  private async insert(c: pg.PoolClient, entries: Log.LogEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const cols: [string[], string[], string[], number[], string[]] = [[], [], [], [], []];
    for (const e of entries) {
      const x = e.type === "reading" ? e.reading : e.event;
      cols[0].push(e.type);
      cols[1].push(x.id);
      cols[2].push(x.machine);
      cols[3].push(x.time);
      cols[4].push(JSON.stringify(x));
    }
    const { rows } = await c.query<{ seq: string }>(INSERT, [this.contract, ...cols]);
    return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
  }

  private async after(c: pg.ClientBase | pg.Pool, seq: number, limit?: number): Promise<Log.SeqEntry[]> {
    const { rows } = await c.query<Row>(
      `SELECT seq, type, body FROM history_log WHERE contract = $1 AND seq > $2 ORDER BY seq${limit ? " LIMIT $3" : ""}`,
      limit ? [this.contract, seq, limit] : [this.contract, seq],
    );
    return rows.map((r) =>
      r.type === "reading"
        ? { seq: Number(r.seq), type: "reading", reading: JSON.parse(r.body) as Log.LoggedReading }
        : { seq: Number(r.seq), type: "event", event: JSON.parse(r.body) as Log.LoggedEvent },
    );
  }

  private append(entries: Log.LogEntry[]): Promise<number[]> {
    if (entries.length === 0) return Promise.resolve([]);
    return this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [WRITE_LOCK]);
      return this.insert(c, entries);
    });
  }

  appendReadings(rows: Log.LoggedReading[]): Promise<number[]> {
    return this.append(rows.map((reading) => ({ type: "reading", reading })));
  }

  appendEvents(events: Log.LoggedEvent[]): Promise<number[]> {
    return this.append(events.map((event) => ({ type: "event", event })));
  }

  async entriesAfter(seq: number, limit?: number): Promise<Log.SeqEntry[]> {
    try {
      return await this.after(this.pool, seq, limit);
    } catch (e) {
      throw unavailable(e);
    }
  }

  exclusive<T>(
    afterSeq: number,
    step: (entries: Log.SeqEntry[]) => Log.StepOutput<T>,
  ): Promise<{ result: T; seqs: number[]; lastSeq: number }> {
    return this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [WRITE_LOCK]);
      const before = await this.after(c, afterSeq);
      const { append, result } = step(before);
      const seqs = await this.insert(c, append);
      const lastSeq = seqs.length > 0 ? seqs[seqs.length - 1] : (before.at(-1)?.seq ?? afterSeq);
      return { result, seqs, lastSeq };
    });
  }

  async appendShadow(rows: Log.ShadowScore[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <T>(f: (r: Log.ShadowScore) => T) => rows.map(f);
    try {
      await this.pool.query(
        `INSERT INTO history_shadow (contract, id, machine, t, model_version, p, champion_version, champion_p, scored_at)
         SELECT $1, u.* FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::float8[], $7::text[], $8::float8[], $9::int8[]) AS u
         ON CONFLICT DO NOTHING`,
        [
          this.contract,
          col((r) => r.id),
          col((r) => r.machine),
          col((r) => r.time),
          col((r) => r.modelVersion),
          col((r) => r.failureProbability),
          col((r) => r.championVersion),
          col((r) => r.championProbability),
          col((r) => r.scoredAt),
        ],
      );
    } catch (e) {
      throw unavailable(e);
    }
  }

  async shadowScores(limit: number): Promise<Log.ShadowScore[]> {
    try {
      const { rows } = await this.pool.query<Record<string, string | number>>(
        `SELECT * FROM (SELECT * FROM history_shadow WHERE contract = $1 ORDER BY n DESC LIMIT $2) x ORDER BY n`,
        [this.contract, limit],
      );
      return rows.map((r) => ({
        id: String(r.id),
        machine: String(r.machine),
        time: Number(r.t),
        modelVersion: String(r.model_version),
        failureProbability: Number(r.p),
        championVersion: String(r.champion_version),
        championProbability: Number(r.champion_p),
        scoredAt: Number(r.scored_at),
      }));
    } catch (e) {
      throw unavailable(e);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function unavailable(e: unknown): MillwrightError {
  const why = isUnavailableError(e) ? "unreachable" : "write failed";
  return new MillwrightError(
    "MW_STORE_UNAVAILABLE",
    `history log (PostgreSQL) ${why}: ${(e as Error).message}`,
  );
}
