// Prediction-log write path: logPredictions throughput (records/s) and commit latency (p50/p99 of the
// time from call to durable resolve) for SQLite and PostgreSQL, at concurrency 1/16/64 and batches of
// 1 and 1,000 records, with group commit; baseline in the same run: one transaction + fsync per record.
// Both databases run with real fsync (SQLite WAL synchronous=FULL; PostgreSQL fsync=on, synchronous_commit=on).
// Run: node dist/bench/store.js [seconds-per-cell]   (or node --import tsx bench/store.ts)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PREDICTION_COLUMNS, predictionValues } from "../src/store/rows.js";
import { PostgresStore } from "../src/store/postgres/store.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import type { PredictionRecord, PredictionStore } from "../src/store/types.js";
import { startPostgres } from "../test/helpers/postgres.js";
import { makeRecord } from "../test/store/records.js";
import { machineLine, table, writeSection } from "./lib/report.js";

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_SECONDS ?? 2);
const CONCURRENCY = [1, 16, 64];
const BATCHES = [1, 1000];

interface Cell {
  backend: string;
  mode: string;
  concurrency: number;
  batch: number;
  recordsPerSec: number;
  p50: number;
  p99: number;
  txPerCall?: number;
}

let seq = 0;
const batchOf = (n: number): PredictionRecord[] =>
  Array.from({ length: n }, () => makeRecord(seq++ % 250, { id: `b-${seq}` }));

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Workers call `write` back to back for SECONDS; latency is per call, throughput counts records. */
async function measure(
  write: (rs: PredictionRecord[]) => Promise<void>,
  concurrency: number,
  batch: number,
): Promise<{ recordsPerSec: number; p50: number; p99: number; calls: number }> {
  const lat: number[] = [];
  let records = 0;
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const rs = batchOf(batch);
        const s = performance.now();
        await write(rs);
        lat.push(performance.now() - s);
        records += rs.length;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    recordsPerSec: records / secs,
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    calls: lat.length,
  };
}

/** Baseline: every record its own transaction (and fsync), no batching across callers. */
function sqliteBaseline(path: string): {
  write: (rs: PredictionRecord[]) => Promise<void>;
  close: () => void;
} {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  const ins = db.prepare(
    `INSERT OR IGNORE INTO predictions (${PREDICTION_COLUMNS.join(", ")}) VALUES (${PREDICTION_COLUMNS.map(() => "?").join(", ")})`,
  );
  const one = db.transaction((r: PredictionRecord) => ins.run(predictionValues(r, (b) => (b ? 1 : 0))));
  return {
    write: async (rs) => {
      for (const r of rs) {
        one(r);
        await new Promise((res) => setImmediate(res)); // let other callers in, as a server would
      }
    },
    close: () => db.close(),
  };
}

function pgBaseline(url: string): {
  write: (rs: PredictionRecord[]) => Promise<void>;
  close: () => Promise<void>;
} {
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  const sql = `INSERT INTO predictions (${PREDICTION_COLUMNS.join(", ")}) VALUES (${PREDICTION_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT (id) DO NOTHING`;
  return {
    write: async (rs) => {
      for (const r of rs)
        await pool.query(
          sql,
          predictionValues(r, (b) => b),
        );
    },
    close: () => pool.end(),
  };
}

async function runBackend(
  name: string,
  make: () => Promise<PredictionStore>,
  baseline:
    | (() => Promise<{
        write: (rs: PredictionRecord[]) => Promise<void>;
        close: () => void | Promise<void>;
      }>)
    | null,
  mode = "group commit",
): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const concurrency of CONCURRENCY) {
    if (baseline) {
      const b = await baseline();
      const m = await measure(b.write, concurrency, 1);
      await b.close();
      cells.push({ backend: name, mode: "per-record commit (baseline)", concurrency, batch: 1, ...m });
      console.log(cells.at(-1));
    }
    for (const batch of BATCHES) {
      const store = await make();
      const m2 = await measure((rs) => store.logPredictions(rs), concurrency, batch);
      const st = store.stats!();
      await store.close();
      cells.push({
        backend: name,
        mode,
        concurrency,
        batch,
        ...m2,
        txPerCall: st.flushes / m2.calls,
      });
      console.log(cells.at(-1));
    }
  }
  return cells;
}

async function main(): Promise<void> {
  const load = loadavg()[0].toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-store-"));
  const cells: Cell[] = [];
  let n = 0;
  try {
    const sqlitePath = () => join(dir, `s${++n}.db`);
    cells.push(
      ...(await runBackend(
        "SQLite",
        async () => {
          const s = new SqliteStore({ path: sqlitePath() });
          await s.init();
          return s;
        },
        async () => {
          const p = sqlitePath();
          const s = new SqliteStore({ path: p });
          await s.init(); // schema
          await s.close();
          return sqliteBaseline(p);
        },
        "group commit, main thread, a table row per record",
      )),
    );
    // What `millwright serve` uses: the writer thread appends one journal row per group (the table
    // rows are written later, off the caller's path; the close() at the end of each cell waits for them).
    cells.push(
      ...(await runBackend(
        "SQLite",
        async () => {
          const s = new SqliteStore({ path: sqlitePath(), writerThread: true });
          await s.init();
          return s;
        },
        null,
        "group commit, writer thread, one journal row per group",
      )),
    );
    const fx = await startPostgres({ fsync: true });
    try {
      cells.push(
        ...(await runBackend(
          "PostgreSQL 15",
          async () => {
            const s = new PostgresStore({ url: await fx.createDatabase() });
            await s.init();
            return s;
          },
          async () => {
            const url = await fx.createDatabase();
            const s = new PostgresStore({ url });
            await s.init();
            await s.close();
            return pgBaseline(url);
          },
        )),
      );
    } finally {
      await fx.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = cells.map((c) => [
    c.backend,
    c.mode,
    c.concurrency,
    c.batch,
    Math.round(c.recordsPerSec).toLocaleString("en-US"),
    c.p50.toFixed(2),
    c.p99.toFixed(2),
    c.txPerCall === undefined ? (c.batch === 1 ? "1" : String(c.batch)) : c.txPerCall.toFixed(3),
  ]);
  const header = [
    "store",
    "mode",
    "concurrency",
    "batch",
    "records/s",
    "p50 ms",
    "p99 ms",
    "transactions per call",
  ];
  const body = [
    "## Prediction log writes (bench/store.ts)",
    "",
    `${machineLine()}; ${SECONDS} s per cell; 1-minute load average ${load} at the start (the cores are shared, so`,
    "absolute figures are low; compare rows of the same run). SQLite WAL synchronous=FULL on ext4; PostgreSQL 15 on",
    "127.0.0.1 with fsync=on, synchronous_commit=on.",
    "Latency is call-to-durable-resolve of one logPredictions call. The baseline commits (and fsyncs) every record on its own.",
    "",
    table(header, rows),
  ].join("\n");
  console.log(`\n${table(header, rows)}`);
  writeSection("store", body);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
