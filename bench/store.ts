// The history log's write path (what `millwright serve` logs every reading to before answering):
// appendReadings throughput (readings/s) and commit latency (p50/p99 of the time from call to durable
// resolve) for SQLite (the writer thread the server uses, and the main-thread writer) and PostgreSQL
// (cluster mode), at concurrency 1/16/64 and requests of 1 and 1,000 readings, with group commit.
// Both databases run with real fsync (SQLite WAL synchronous=FULL; PostgreSQL fsync=on,
// synchronous_commit=on). The log is a row-labelled contract's (the AI4I example's: readings found by id).
// Run: node dist/bench/store.js [seconds-per-cell]   (or node --import tsx bench/store.ts)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7Many } from "../src/serve/ids.js";
import { PostgresHistoryLog } from "../src/store/history/postgres.js";
import { SqliteHistoryLog } from "../src/store/history/sqlite.js";
import type { HistoryLog, LoggedReading } from "../src/store/history/types.js";
import { startPostgres } from "../test/helpers/postgres.js";
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
}

let seq = 0;
/** One request's readings as the server logs them: AI4I's 6 values, 4 mode heads, one time. */
function request(n: number): LoggedReading[] {
  const now = 1_750_000_000_000 + seq;
  return uuidv7Many(n, now).map((id, i) => {
    const k = seq++;
    return {
      id,
      machine: `M${k % 384}`,
      time: now + i,
      values: [298.1 + (k % 50) / 10, 308.6, 1551 + (k % 97), 42.8, k % 240, k % 3],
      modelVersion: "1.0.0",
      predictedAt: now,
      failureProbability: ((k * Math.PI) % 1) / 3,
      heads: { twf: 0.01, hdf: 0.02, pwf: 0.03, osf: null },
    };
  });
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Workers append back to back for SECONDS; latency is per call, throughput counts readings. */
async function measure(
  log: HistoryLog,
  concurrency: number,
  batch: number,
): Promise<{ recordsPerSec: number; p50: number; p99: number }> {
  const lat: number[] = [];
  let records = 0;
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const rs = request(batch);
        const s = performance.now();
        await log.appendReadings(rs);
        lat.push(performance.now() - s);
        records += rs.length;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { recordsPerSec: records / secs, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99) };
}

async function runBackend(name: string, mode: string, open: () => Promise<HistoryLog>): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const concurrency of CONCURRENCY)
    for (const batch of BATCHES) {
      const log = await open();
      await log.init();
      const m = await measure(log, concurrency, batch);
      await log.close();
      cells.push({ backend: name, mode, concurrency, batch, ...m });
      console.log(cells.at(-1));
    }
  return cells;
}

async function main(): Promise<void> {
  const load = loadavg()[0].toFixed(1);
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-store-"));
  const cells: Cell[] = [];
  let n = 0;
  try {
    const path = () => join(dir, `s${++n}.db`);
    cells.push(
      ...(await runBackend(
        "SQLite",
        "writer thread (what serve uses)",
        async () => new SqliteHistoryLog(path(), { labelled: true }),
      )),
      ...(await runBackend(
        "SQLite",
        "main thread",
        async () => new SqliteHistoryLog(path(), { labelled: true, writerThread: false }),
      )),
    );
    const fx = await startPostgres({ fsync: true });
    try {
      cells.push(
        ...(await runBackend(
          "PostgreSQL 15",
          "shared log (cluster mode)",
          async () =>
            new PostgresHistoryLog({ url: await fx.createDatabase(), contract: "ai4i-2020", labelled: true }),
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
  ]);
  const header = ["store", "mode", "concurrency", "readings per call", "readings/s", "p50 ms", "p99 ms"];
  const body = [
    "## History log writes (bench/store.ts)",
    "",
    `${machineLine()}; ${SECONDS} s per cell; 1-minute load average ${load} at the start (the cores are shared, so`,
    "absolute figures are low; compare rows of the same run). SQLite WAL synchronous=FULL on ext4; PostgreSQL 15 on",
    "127.0.0.1 with fsync=on, synchronous_commit=on.",
    "Latency is call-to-durable-resolve of one appendReadings call (one request's readings); concurrent calls share a commit.",
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
