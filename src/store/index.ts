// Chooses the prediction store: PostgreSQL when a DATABASE_URL is given (cluster mode), else the
// embedded SQLite file; optionally wrapped in the spool that rides out database outages.
import type { FlushInfo } from "./group-commit.js";
import { PostgresStore } from "./postgres/store.js";
import { ResilientStore } from "./resilient.js";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite/store.js";
import type { PredictionStore } from "./types.js";

export {
  EXPORT_COLUMNS,
  type ExportColumn,
  type ExportOptions,
  type ExportRow,
  exportRows,
  toExportRow,
} from "./export.js";
export type { FlushInfo, GroupCommitStats } from "./group-commit.js";
export { createLeaderElector, LEADER_LOCK_KEY, type LeaderElector, type LeaderOptions } from "./leader.js";
export { PostgresStore, type PostgresStoreOptions } from "./postgres/store.js";
export { type ResilientOptions, ResilientStore } from "./resilient.js";
export { SqliteStore, type SqliteStoreOptions } from "./sqlite/store.js";
export type * from "./types.js";
export { isUnavailableError } from "./unavailable.js";

export interface CreateStoreOptions {
  /** postgres://… — when set, PostgreSQL; otherwise SQLite at sqlitePath. */
  databaseUrl?: string;
  sqlitePath: string;
  /** Spool records locally while the database is unreachable (see ResilientStore). */
  spool?: { dir: string; maxRecords: number; replayIntervalMs?: number };
  /** After every group commit: feed the commit-latency metric. */
  onFlush?: (info: FlushInfo) => void;
  pageSize?: number;
  /** SQLite only: commit on a worker thread so the fsync does not block the event loop (opt-in). */
  sqliteWriterThread?: boolean;
  /** SQLite only: a write problem (disk full, file deleted) starts or ends. */
  onWriteProblem?: SqliteStoreOptions["onWriteProblem"];
}

/** Builds and initialises (migrates) the store. Calling init() again later is harmless. */
export async function createStore(opts: CreateStoreOptions): Promise<PredictionStore> {
  const base: PredictionStore = opts.databaseUrl
    ? new PostgresStore({ url: opts.databaseUrl, onFlush: opts.onFlush, pageSize: opts.pageSize })
    : new SqliteStore({
        path: opts.sqlitePath,
        onFlush: opts.onFlush,
        pageSize: opts.pageSize,
        writerThread: opts.sqliteWriterThread,
        onWriteProblem: opts.onWriteProblem,
      });
  const store = opts.spool ? new ResilientStore(base, opts.spool) : base;
  await store.init();
  return store;
}
