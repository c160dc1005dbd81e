// Cluster throughput (issue 7, "Load and soak"): the contract server on the AI4I example
// (examples/contracts/ai4i.yaml), POST /v1/predict with one reading, every reading logged durably to
// its history log before the answer, in one run on this machine:
//   SQLite, 1 replica | PostgreSQL, 1 replica | PostgreSQL, 2 replicas (two processes, two ports, the
//   load split evenly across them, as a Service would).
// Two replicas on SQLite are not a configuration: the file belongs to one process (and each would
// elect itself leader), so a cluster means PostgreSQL. PostgreSQL runs with fsync on (test fixture,
// 127.0.0.1, its own data dir) so both stores pay for durability.
// Load from wrk (C, light on the shared cores) in the contract's names, each request a later count for
// one of the replica's own machines (bench/baseline/serve-contract.ts; replicas never share a machine,
// as a reading at or before its machine's newest is a 409), rows measured round-robin BENCH_ROUNDS
// times, median round reported; after each run the log is counted against the 2xx answers.
// Run: node dist/bench/cluster.js   Env: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_ROUNDS (3),
// BENCH_CLUSTER_CONNECTIONS (32, split across replicas).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { loadCsvFile } from "../src/data/load.js";
import { trainAi4iContract } from "../test/helpers/ai4i-contract.js";
import { startPostgres } from "../test/helpers/postgres.js";
import { type ServerProcess, startServerProcess } from "../test/helpers/server-process.js";
import { type Load, runWrk } from "./baseline/harness.js";
import { CONTRACT_DB, contractLoad, contractRunEnv } from "./baseline/serve-contract.js";
import { countReadings } from "./lib/history-load.js";
import { machineLine, table, writeSection } from "./lib/report.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNS = Number(process.env.BENCH_CLUSTER_CONNECTIONS ?? 32);
// Compiled (dist/bench) only: the server helper starts the compiled CLI.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  name: string;
  servers: ServerProcess[];
  count(): Promise<number>;
  runs: { rps: number; ok: number; errors: number; p50: number; p99: number; cpu: number; logged: number }[];
}

async function pgCount(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // A commit's readings are one row of n (layout 4).
    const sql = "SELECT COALESCE(SUM(n), 0) AS n FROM history_log WHERE type IN ('reading', 'readings')";
    return Number((await c.query<{ n: string }>(sql)).rows[0].n);
  } finally {
    await c.end();
  }
}

/** The log count once it has stopped moving (requests wrk abandoned at its stop still land). */
async function settle(count: () => Promise<number>): Promise<number> {
  let last = await count();
  for (let i = 0; i < 120; i++) {
    await sleep(250);
    const n = await count();
    if (n === last) return n;
    last = n;
  }
  return last;
}

/** wrk on every replica at once, the connections split evenly, each replica its own machines. */
async function measure(row: Row, bodies: string[], lua: string, seconds: number): Promise<Load[]> {
  const per = Math.max(1, Math.round(CONNS / row.servers.length));
  contractRunEnv(per); // this run's counts after the last run's
  // Now and then a wrk exits 0 without its summary line (seen with two wrk at once on this busy
  // box); the whole measurement is repeated then, so both replicas are always loaded together.
  for (let attempt = 1; ; attempt++) {
    try {
      return await Promise.all(
        row.servers.map((s, i) =>
          runWrk({
            url: `${s.url}/v1/predict`,
            bodyFile: bodies[i],
            connections: per,
            seconds,
            pid: s.child.pid as number,
            lua,
          }),
        ),
      );
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`${row.name}: ${(e as Error).message.split("\n")[0]}; measuring again`);
    }
  }
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const work = mkdtempSync(join(tmpdir(), "mw-bench-cluster-"));
  const { registry } = trainAi4iContract(work, { machines: 8, days: 10 });
  const load = contractLoad(work, loadCsvFile(join(work, "fleet.csv")).rows);
  // Replica i's machines are R<i>S0…: a machine's readings all go to one replica.
  const bodies = [0, 1].map((i) => {
    const file = join(work, `single-${i}.txt`);
    writeFileSync(
      file,
      readFileSync(load.single.file, "utf8").replaceAll('"machine_id":"S', `"machine_id":"R${i}S`),
    );
    return file;
  });
  const lua = load.single.lua;
  const postgres = await startPostgres({ fsync: true });
  const all: ServerProcess[] = [];
  const env = { MILLWRIGHT_RETRAIN_MODE: "off", MILLWRIGHT_MONITOR_INTERVAL_MS: "600000" };
  const serve = async (extra: Record<string, string>) => {
    const dataDir = mkdtempSync(join(work, "data-"));
    const s = await startServerProcess(["serve", "--registry", registry.dir], {
      ...env,
      MILLWRIGHT_DATA_DIR: dataDir,
      ...extra,
    });
    all.push(s);
    return { s, dataDir };
  };
  try {
    const lite = await serve({});
    const db1 = await postgres.createDatabase();
    const one = await serve({ DATABASE_URL: db1 });
    const db2 = await postgres.createDatabase();
    const twoA = await serve({ DATABASE_URL: db2 });
    const twoB = await serve({ DATABASE_URL: db2 });
    const rows: Row[] = [
      {
        name: "SQLite, 1 replica",
        servers: [lite.s],
        count: async () => countReadings(join(lite.dataDir, CONTRACT_DB)),
        runs: [],
      },
      { name: "PostgreSQL, 1 replica", servers: [one.s], count: () => pgCount(db1), runs: [] },
      { name: "PostgreSQL, 2 replicas", servers: [twoA.s, twoB.s], count: () => pgCount(db2), runs: [] },
    ];
    for (const row of rows) await measure(row, bodies, lua, 5); // per-server warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const row of rows) {
        if (WARMUP > 0) await measure(row, bodies, lua, WARMUP);
        const before = await settle(row.count);
        const loads = await measure(row, bodies, lua, SECONDS);
        const logged = (await settle(row.count)) - before;
        const ok = loads.reduce((a, l) => a + l.ok, 0);
        const run = {
          rps: loads.reduce((a, l) => a + l.rps, 0),
          ok,
          errors: loads.reduce((a, l) => a + l.errors, 0),
          p50: Math.max(...loads.map((l) => l.p50)),
          p99: Math.max(...loads.map((l) => l.p99)),
          cpu: loads.reduce((a, l) => a + l.cpuPct, 0),
          logged,
        };
        row.runs.push(run);
        console.log(JSON.stringify({ round, row: row.name, ...run }));
      }
    }
    report(rows, load0);
  } finally {
    for (const s of all) s.child.kill("SIGTERM");
    await Promise.all(all.map((s) => s.exited));
    await postgres.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

function report(rows: Row[], load0: number[]): void {
  const fmt = (n: number, d = 0) =>
    n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(" / ");
  const median = (r: Row) => [...r.runs].sort((a, b) => a.rps - b.rps)[Math.floor((r.runs.length - 1) / 2)];
  const lines = rows.map((r) => {
    const m = median(r);
    const all = r.runs.map((x) => fmt(x.rps)).join(", ");
    // Requests abandoned by wrk at its stop may be logged without being read: logged ≥ 2xx.
    const check = m.logged >= m.ok ? "✔" : "✘";
    return [
      r.name,
      r.servers.length,
      `${fmt(m.rps)} (${all})`,
      fmt(m.p50, 2),
      fmt(m.p99, 2),
      m.errors,
      `${fmt(m.cpu)} %`,
      `${check} ${fmt(m.logged)} logged, ${fmt(m.ok)} 2xx`,
    ];
  });
  const rps = (name: string) => median(rows.find((r) => r.name === name) as Row).rps;
  const body = [
    "## Cluster throughput (bench/cluster.ts)",
    "",
    `${machineLine()}. Load average ${la(load0)} at the start, ${la(loadavg())} at the end: the 2 cores were shared with other work, so the figures are noisy.`,
    `The contract server on the AI4I example (examples/contracts/ai4i.yaml). POST /v1/predict with one reading, each reading logged durably to its history log before the answer (SQLite WAL with group commit by its writer thread; PostgreSQL 15 on 127.0.0.1 with fsync on, the replicas sharing the contract's log). Load from wrk, ${CONNS} connections in total, split evenly across the replicas (two wrk processes for two replicas); ${SECONDS} s per row after a ${WARMUP} s warm-up, rows round-robin, ${ROUNDS} round(s), median round shown (every round in brackets). p50/p99 of two replicas: the larger of the two. Server CPU sums the replicas (100 % = one core; PostgreSQL's own CPU is not included).`,
    "Everything — load generator, replicas, PostgreSQL — shares the same 2 cores, so a second replica cannot add CPU here: this measures the cost of the cluster wiring, not the scaling a second machine would give. SQLite × 2 replicas is not a configuration (the log file belongs to one process).",
    "",
    table(
      [
        "store, replicas",
        "processes",
        "requests/s (rounds)",
        "p50 ms",
        "p99 ms",
        "errors",
        "server CPU",
        "log check",
      ],
      lines,
    ),
    "",
    table(
      ["comparison (median rounds)", "ratio"],
      [
        [
          "PostgreSQL ÷ SQLite, 1 replica",
          `${fmt(rps("PostgreSQL, 1 replica") / rps("SQLite, 1 replica"), 2)}×`,
        ],
        [
          "PostgreSQL, 2 replicas ÷ 1 replica",
          `${fmt(rps("PostgreSQL, 2 replicas") / rps("PostgreSQL, 1 replica"), 2)}×`,
        ],
      ],
    ),
  ].join("\n");
  console.log(`\n${body}\n`);
  writeSection("cluster", body, join(ROOT, "BENCHMARKS.md"));
}

await main();
