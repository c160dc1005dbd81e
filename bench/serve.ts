// Serving throughput and latency (issue 3, "Targets"), measured side by side in one run, each server
// in its own process on 127.0.0.1, the load from wrk in another process:
//   a) bare Fastify, one process: the same JSON reading validated by a JSON schema, a constant answer;
//   b) Millwright POST /v1/predict, one reading, durable SQLite log (WAL, group commit), 16 and 64 conns;
//   c) Millwright batches of 1,000 readings at 1 and 4 connections;
//   d) the original design: Flask + scikit-learn under gunicorn (2 workers), when installed.
// After every Millwright run the SQLite log is counted (read-only) against the 2xx answers.
// Why wrk and not autocannon: wrk is C and needs a fraction of a core for ~10k requests/s, while
// autocannon's single Node thread needs about as much CPU as the server it measures. With 2 cores
// shared by client and server, a heavier client would cap every row at the client's speed.
// Run: node dist/bench/serve.js   (or node --import tsx bench/serve.ts)
// Env: BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_SKIP_FLASK=1, BENCH_DATA + BENCH_REGISTRY (reuse).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RAW_FEATURES } from "../src/data/schema.js";
import { loadCsvFile } from "../src/data/load.js";
import { freePort, type Load, type Proc, runWrk, settleCount, start, writeWrkScript } from "./baseline/harness.js";
import { machineLine, table, writeSection } from "./lib/report.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const HERE = dirname(fileURLToPath(import.meta.url));
const FROM_DIST = HERE.includes(`${join("dist", "bench")}`);
const ROOT = FROM_DIST ? join(HERE, "..", "..") : join(HERE, "..");
const PY = "/usr/bin/python3"; // Debian's, where python3-sklearn and python3-flask live

/** Node arguments that run a repo TypeScript file, compiled (dist) or through tsx. */
function nodeArgs(rel: string): string[] {
  return FROM_DIST ? [join(ROOT, "dist", rel.replace(/\.ts$/, ".js"))] : ["--import", "tsx", join(ROOT, rel)];
}

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const r = spawnSync(process.execPath, [...nodeArgs("src/cli/main.ts"), ...args], { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`millwright ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
}

interface Row extends Load {
  server: string;
  workload: string;
  readingsPerRequest: number;
  check: string;
}

const fmt = (x: number, d = 0) =>
  Number.isFinite(x) ? x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) : "–";

async function measure(
  server: string,
  proc: Proc,
  url: string,
  body: { file: string; n: number },
  connections: number,
  lua: string,
  db?: string,
): Promise<Row> {
  const workload = body.n === 1 ? "single reading" : `batch of ${fmt(body.n)}`;
  await runWrk({ url, bodyFile: body.file, connections, seconds: WARMUP, pid: proc.pid, lua });
  const before = db ? await settleCount(db) : 0;
  const load = await runWrk({ url, bodyFile: body.file, connections, seconds: SECONDS, pid: proc.pid, lua });
  let check = "n/a (no log)";
  if (db) {
    // wrk drops the requests in flight when time is up; the server still answers and logs them, so
    // the log may hold up to `connections` requests more than wrk counted, never fewer.
    const logged = (await settleCount(db)) - before;
    const acked = load.ok * body.n;
    const extra = logged - acked;
    const okay = extra >= 0 && extra <= connections * body.n && extra % body.n === 0;
    check = `${okay ? "✔" : "✘"} ${fmt(logged)} logged = ${fmt(load.ok)} × ${body.n} acked + ${fmt(extra / body.n)} unread at stop`;
  }
  const row: Row = { server, workload, readingsPerRequest: body.n, ...load, check };
  console.log(
    `${server} | ${workload} | c=${connections} | ${fmt(load.rps)} req/s | ${fmt(load.rps * body.n)} readings/s | p50 ${fmt(load.p50, 2)} ms | p99 ${fmt(load.p99, 2)} ms | errors ${load.errors} | RSS ${fmt(load.rssMb)} MB | CPU ${fmt(load.cpuPct)} % | ${check}`,
  );
  return row;
}

function flaskMissing(): string | null {
  if (process.env.BENCH_SKIP_FLASK === "1") return "BENCH_SKIP_FLASK=1";
  const py = spawnSync(PY, ["-c", "import flask, sklearn"], { encoding: "utf8" });
  if (py.status !== 0) return `${PY} cannot import flask and sklearn (apt-get install python3-flask python3-sklearn)`;
  const g = spawnSync("gunicorn", ["--version"], { encoding: "utf8" });
  if (g.status !== 0) return "gunicorn is not installed (apt-get install gunicorn)";
  return null;
}

async function main(): Promise<void> {
  if (spawnSync("wrk", ["--version"]).error) throw new Error("wrk is not installed (apt-get install wrk)");
  const load0 = loadavg().map((x) => x.toFixed(1));
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-serve-"));
  const rows: Row[] = [];
  const procs: Proc[] = [];
  let flaskNote = "";
  try {
    const data = process.env.BENCH_DATA ?? join(dir, "fleet.csv");
    const registry = process.env.BENCH_REGISTRY ?? join(dir, "registry");
    if (!process.env.BENCH_DATA) cli(["simulate", "--out", data, "--seed", "7"]);
    if (!process.env.BENCH_REGISTRY) cli(["train", "--data", data, "--registry", registry, "--seed", "7"]);

    // Request bodies: one reading (the six fields), and 1,000 distinct readings from the same CSV.
    const readings = loadCsvFile(data).rows.map((r) => ({
      type: r.type,
      ...Object.fromEntries(RAW_FEATURES.map((f) => [f, r[f]])),
    }));
    const lua = writeWrkScript(dir);
    const single = { file: join(dir, "single.json"), n: 1 };
    const batch = { file: join(dir, "batch.json"), n: 1000 };
    writeFileSync(single.file, JSON.stringify(readings[0]));
    writeFileSync(batch.file, JSON.stringify(readings.slice(0, 1000)));

    // a) bare Fastify
    const bare = await start("fastify-bare", process.execPath, [...nodeArgs("bench/baseline/fastify-bare.ts")], {
      dir,
      probe: { path: "/v1/predict", body: single.file },
      portArg: true,
    });
    procs.push(bare);
    for (const c of [16, 64]) rows.push(await measure("bare Fastify", bare, `${bare.url}/v1/predict`, single, c, lua));
    await bare.stop();

    // b) + c) Millwright, one process, durable log
    const dataDir = join(dir, "mw-data");
    const mw = await start("millwright", process.execPath, [...nodeArgs("src/cli/main.ts"), "serve", "--registry", registry, "--host", "127.0.0.1", "--port"], {
      dir,
      probe: { path: "/v2/health/ready" },
      portArg: true,
      env: { MILLWRIGHT_DATA_DIR: dataDir, MILLWRIGHT_RETRAIN_MODE: "off", LOG_LEVEL: "warn" },
    });
    procs.push(mw);
    const db = join(dataDir, "predictions.db");
    const mwUrl = `${mw.url}/v1/predict`;
    for (const c of [16, 64]) rows.push(await measure("Millwright", mw, mwUrl, single, c, lua, db));
    for (const c of [1, 4]) rows.push(await measure("Millwright", mw, mwUrl, batch, c, lua, db));
    await mw.stop();

    // d) Flask + scikit-learn under gunicorn, 2 workers
    const missing = flaskMissing();
    if (missing) {
      flaskNote = `Flask baseline not run: ${missing}.`;
      console.log(flaskNote);
    } else {
      const pkl = join(dir, "sklearn.pkl");
      const t = spawnSync(PY, [join(ROOT, "bench", "baseline", "train_sklearn.py"), data, pkl], { encoding: "utf8" });
      if (t.status !== 0) throw new Error(`train_sklearn.py failed:\n${t.stderr}`);
      console.log(t.stdout.trim());
      const gport = await freePort();
      const flask = await start(
        "gunicorn",
        "gunicorn",
        ["-w", "2", "-b", `127.0.0.1:${gport}`, "--chdir", join(ROOT, "bench", "baseline"), "flask_app:app"],
        { dir, probe: { path: "/health" }, port: gport, env: { MW_BASELINE_MODEL: pkl } },
      );
      procs.push(flask);
      const fUrl = `${flask.url}/v1/predict`;
      for (const c of [16, 64]) rows.push(await measure("Flask + sklearn (gunicorn, 2 workers)", flask, fUrl, single, c, lua));
      for (const c of [1, 4]) rows.push(await measure("Flask + sklearn (gunicorn, 2 workers)", flask, fUrl, batch, c, lua));
      await flask.stop();
    }
  } finally {
    for (const p of procs) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  report(rows, load0, loadavg().map((x) => x.toFixed(1)), flaskNote);
}

function find(rows: Row[], server: string, n: number, c: number): Row | undefined {
  return rows.find((r) => r.server.startsWith(server) && r.readingsPerRequest === n && r.connections === c);
}

function report(rows: Row[], load0: string[], load1: string[], flaskNote: string): void {
  const pct = (a?: Row, b?: Row) => (a && b ? `${fmt((100 * a.rps) / b.rps)} %` : "–");
  const times = (a?: Row, b?: Row) => (a && b ? `${fmt(a.rps / b.rps, 1)}×` : "–");
  const mark = (ok: boolean | undefined) => (ok === undefined ? "" : ok ? " ✔" : " ✘");
  const ratios: (string | number)[][] = [];
  for (const c of [16, 64]) {
    const m = find(rows, "Millwright", 1, c);
    const f = find(rows, "bare", 1, c);
    ratios.push([`single, ${c} conns: Millwright / bare Fastify`, pct(m, f) + mark(m && f ? m.rps >= 0.6 * f.rps : undefined), "≥ 60 %"]);
    ratios.push([`single, ${c} conns: Millwright / Flask`, times(m, find(rows, "Flask", 1, c)), "~8× (issue)"]);
  }
  const m64 = find(rows, "Millwright", 1, 64);
  ratios.push(["single, 64 conns: Millwright p99", m64 ? `${fmt(m64.p99, 2)} ms${mark(m64.p99 <= 10)}` : "–", "≤ 10 ms"]);
  for (const c of [1, 4]) {
    const m = find(rows, "Millwright", 1000, c);
    ratios.push([
      `batch 1,000, ${c} conns: Millwright readings/s`,
      m ? `${fmt(m.rps * 1000)}${mark(m.rps * 1000 >= 200_000)}` : "–",
      "≥ 200,000",
    ]);
    ratios.push([`batch 1,000, ${c} conns: Millwright / Flask`, times(m, find(rows, "Flask", 1000, c)), "–"]);
  }
  const rss = Math.max(...rows.filter((r) => r.server === "Millwright").map((r) => r.rssMb));
  ratios.push(["Millwright RSS under load (max)", `${fmt(rss)} MB${mark(rss <= 200)}`, "≤ 200 MB"]);

  const main = table(
    ["server", "workload", "conns", "requests/s", "readings/s", "p50 ms", "p99 ms", "errors", "RSS MB", "server CPU", "log check"],
    rows.map((r) => [
      r.server,
      r.workload,
      r.connections,
      fmt(r.rps),
      fmt(r.rps * r.readingsPerRequest),
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      r.errors,
      fmt(r.rssMb),
      `${fmt(r.cpuPct)} %`,
      r.check,
    ]),
  );
  const ratioTable = table(["comparison", "measured", "target"], ratios);
  console.log(`\n${main}\n\n${ratioTable}`);
  writeSection(
    "serve",
    `## Serving (bench/serve.ts)

${machineLine()}; load average ${load0.join(" / ")} at the start, ${load1.join(" / ")} at the end (the 2 cores are shared with other work, so figures are noisy).
Load: wrk (C, ${SECONDS} s per row after a ${WARMUP} s warm-up, keep-alive, one fixed body per row) on the same 2 cores as the server: the load generator shares the CPU with the server it measures.
Each server runs in its own process on 127.0.0.1. Millwright logs every prediction durably (SQLite WAL, synchronous=FULL, group commit) before answering; the log check counts rows in the SQLite file (read-only) after each run.
RSS is the largest VmRSS seen while loaded (gunicorn: master + workers); server CPU is its CPU time over the run (100 % = one core).
${flaskNote}

${main}

${ratioTable}

Reference figures from the issue (same kind of machine): Flask + sklearn ~940 req/s at 16 conns (p99 31 ms), ~790 at 64 (p99 120 ms), ~57,000 readings/s in 1,000-reading batches (~107,000 at 4 conns); bare Fastify ~13,300 req/s (p99 8 ms at 64).`,
  );
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
