// A contract's history log opened to read it, not to serve it: `millwright predictions export` and
// `monitor --once` read what a contract server logged, possibly while it runs. So no writer thread,
// no table created, no layout brought up: a SQLite file opened read-only (a missing file is said,
// not left behind empty), PostgreSQL in read-only transactions. Entries come back exactly as a
// server's replay reads them (entries.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type pg from "pg";
import { MillwrightError } from "../../core/errors.js";
import { openPool } from "../postgres/transaction.js";
import { entriesAfter } from "./postgres-rows.js";
import { sqliteEntriesAfter } from "./sqlite-rows.js";
import { LAYOUT } from "./sqlite-schema.js";
import type { HistoryLog, SeqEntry } from "./types.js";

export interface HistoryReader extends Pick<HistoryLog, "entriesAfter" | "close"> {
  /** Where the log is, for messages: the file, or the database's table and contract. */
  readonly where: string;
}

/** The SQLite history log of `contract` in the data directory (the server's name for it). */
export const historyLogFile = (dataDir: string, contract: string): string =>
  join(dataDir, `history-${contract}.db`);

const missing = (msg: string) => new MillwrightError("MW_NOT_FOUND", msg);

/** Throws unless the log is of this Millwright's layout. */
const checkLayout = (where: string, layout: string | undefined) => {
  if (layout !== String(LAYOUT))
    throw missing(
      `${where}: history log layout ${layout ?? "unknown"}, this command reads ${LAYOUT}: start this Millwright's server on it once, which brings it up`,
    );
};

/** A failure to read: our own errors as they are, any other as the store being unavailable. */
const unreadable = (where: string, e: unknown) =>
  e instanceof MillwrightError
    ? e
    : new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `${where}: cannot read the history log (${(e as Error).message})`,
      );

class SqliteHistoryReader implements HistoryReader {
  private readonly db: Database.Database;

  constructor(readonly where: string) {
    if (!existsSync(where))
      throw missing(
        `${where}: no history log (no contract server has logged a reading in this data directory)`,
      );
    let db: Database.Database | undefined;
    try {
      db = new Database(where, { readonly: true, fileMustExist: true });
      const row = db.prepare("SELECT value FROM meta WHERE key = 'layout'").get() as
        | { value: string }
        | undefined;
      checkLayout(where, row?.value);
    } catch (e) {
      db?.close();
      throw unreadable(where, e);
    }
    this.db = db;
  }

  async entriesAfter(seq: number, limit?: number): Promise<SeqEntry[]> {
    return sqliteEntriesAfter(this.db, seq, limit);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

class PostgresHistoryReader implements HistoryReader {
  readonly where: string;
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly contract: string,
  ) {
    this.where = `PostgreSQL history_log (contract '${contract}')`;
    this.pool = openPool(url, "millwright-history-reader", {
      max: 1,
      // An export reads the whole log: no time limit per query.
      query_timeout: undefined,
      // Every statement in a read-only transaction: this reader can never change the log.
      options: "-c default_transaction_read_only=on",
    });
  }

  async check(): Promise<void> {
    let layout: string | undefined;
    try {
      const { rows } = await this.pool.query<{ t: string | null }>("SELECT to_regclass('history_meta') AS t");
      if (rows[0].t === null)
        throw missing(`${this.where}: no history log in this database (no contract server has used it)`);
      const meta = await this.pool.query<{ value: string }>(
        "SELECT value FROM history_meta WHERE key = 'layout'",
      );
      layout = meta.rows[0]?.value;
    } catch (e) {
      throw unreadable(this.where, e);
    }
    checkLayout(this.where, layout);
  }

  entriesAfter(seq: number, limit?: number): Promise<SeqEntry[]> {
    return entriesAfter(this.pool, this.contract, seq, limit);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Opens `contract`'s log where its server keeps it: PostgreSQL with DATABASE_URL, else its file. */
export async function openHistoryReader(
  o: { databaseUrl?: string | null; dataDir: string },
  contract: string,
): Promise<HistoryReader> {
  if (!o.databaseUrl) return new SqliteHistoryReader(historyLogFile(o.dataDir, contract));
  const r = new PostgresHistoryReader(o.databaseUrl, contract);
  try {
    await r.check();
  } catch (e) {
    await r.close().catch(() => {});
    throw e;
  }
  return r;
}
