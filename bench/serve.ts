// Serving throughput and latency (issue 3, "Targets"), measured side by side in one run, each server
// in its own process on 127.0.0.1, the load from wrk in another process:
//   a) bare Fastify, one process: the same JSON reading validated by a JSON schema, a constant answer;
//   b) Millwright POST /v1/predict, one reading, durable SQLite log (WAL, group commit), 16 and 64 conns;
//   c) Millwright batches of 1,000 readings at 1 and 4 connections;
//   d) the original design: Flask + scikit-learn under gunicorn (2 workers), when installed;
//   and, as a diagnostic, Millwright with its log on tmpfs (fsync costs nothing there: NOT durable)
//   to separate the disk's share from the CPU's.
// All servers stay up for the whole run and the rows are measured round-robin, BENCH_ROUNDS times,
// reporting the median round: the 2 cores are shared with other work, and interleaving spreads
// that noise over every row instead of letting it fall on one.
// After every Millwright run the SQLite log is counted (read-only) against the 2xx answers.
// Why wrk and not autocannon: wrk is C and needs a fraction of a core for ~10k requests/s, while
// autocannon's single Node thread needs about as much CPU as the server it measures. With 2 cores
// shared by client and server, a heavier client would cap every row at the client's speed.
// Run: node dist/bench/serve.js   (or node --import tsx bench/serve.ts)
// Env: BENCH_SECONDS (10), BENCH_WARMUP (2, per row), BENCH_START_WARMUP (5, per server),
// BENCH_ROUNDS (3), BENCH_SKIP_FLASK=1, BENCH_SKIP_TMPFS=1, BENCH_DATA + BENCH_REGISTRY (reuse).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCsvFile } from "../src/data/load.js";
import { RAW_FEATURES } from "../src/data/schema.js";
import {
  fsyncLatency,
  journalMoved,
  type Proc,
  runWrk,
  settleCount,
  start,
  writeWrkScript,
} from "./baseline/harness.js";
import { type Cell, report, type Run } from "./baseline/serve-report.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const START_WARMUP = Number(process.env.BENCH_START_WARMUP ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const HERE = dirname(fileURLToPath(import.meta.url));
const FROM_DIST = HERE.includes(join("dist", "bench"));
const ROOT = FROM_DIST ? join(HERE, "..", "..") : join(HERE, "..");
const PY = "/usr/bin/python3"; // Debian's, where python3-sklearn and python3-flask live
const FLASK = "Flask + sklearn (gunicorn, 2 workers)";

/** Node arguments that run a repo TypeScript file, compiled (dist) or through tsx. */
function nodeArgs(rel: string): string[] {
  return FROM_DIST ? [join(ROOT, "dist", rel.replace(/\.ts$/, ".js"))] : ["--import", "tsx", join(ROOT, rel)];
}

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [...nodeArgs("src/cli/main.ts"), ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`millwright ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
}

function flaskMissing(): string | null {
  if (process.env.BENCH_SKIP_FLASK === "1") return "BENCH_SKIP_FLASK=1";
  const py = spawnSync(PY, ["-c", "import flask, sklearn"], { encoding: "utf8" });
  if (py.status !== 0)
    return `${PY} cannot import flask and sklearn (apt-get install python3-flask python3-sklearn)`;
  if (spawnSync("gunicorn", ["--version"]).status !== 0)
    return "gunicorn is not installed (apt-get install gunicorn)";
  return null;
}

/** Seconds the writer thread took to move this cell's journal backlog into the table, per run. */
const drains = new Map<Cell, number[]>();
/** Per run: [mean wait for the durable commit, mean request latency], ms (Millwright cells). */
const commitWaits = new Map<Cell, [number, number][]>();

const COMMIT_METRIC = "millwright_prediction_log_commit_duration_seconds";

/** Sum and count of the server's log commit durations so far (its own /metrics). */
async function commitTotals(c: Cell): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(c.url.replace(/\/v1\/predict$/, "/metrics"))).text();
  const value = (suffix: string) =>
    Number(new RegExp(`^${COMMIT_METRIC}_${suffix} (\\S+)$`, "m").exec(text)?.[1]);
  return { sum: value("sum"), count: value("count") };
}

/**
 * One measured run of a cell: wait for an empty journal (every row starts from the same state, not
 * from the backlog of the row before), warm-up, count the log, load, count again once it settles.
 */
async function runCell(c: Cell, lua: string): Promise<Run> {
  if (c.db) await journalMoved(c.db);
  const o = { url: c.url, bodyFile: c.body.file, connections: c.connections, pid: c.proc.pid, lua };
  await runWrk({ ...o, seconds: WARMUP });
  const before = c.db ? await settleCount(c.db) : 0;
  const commits0 = c.db ? await commitTotals(c) : null;
  const load = await runWrk({ ...o, seconds: SECONDS });
  if (commits0) {
    // Every request's log commit, from the call to its durable resolve (answers wait for it), in
    // the server's own histogram; the mean request latency of a closed loop is connections / rate.
    const t = await commitTotals(c);
    const wait = ((t.sum - commits0.sum) / (t.count - commits0.count)) * 1000;
    (commitWaits.get(c) ?? commitWaits.set(c, []).get(c)!).push([wait, (c.connections / load.rps) * 1000]);
  }
  const logged = c.db ? (await settleCount(c.db)) - before : undefined;
  if (c.db) {
    const t0 = Date.now();
    await journalMoved(c.db);
    (drains.get(c) ?? drains.set(c, []).get(c)!).push((Date.now() - t0) / 1000);
  }
  const run: Run = { ...load, logged };
  console.log(
    `${c.server} | ${c.body.n} × c=${c.connections} | ${Math.round(load.rps * c.body.n)} readings/s | p50 ${load.p50.toFixed(2)} p99 ${load.p99.toFixed(2)} ms | errors ${load.errors} | RSS ${Math.round(load.rssMb)} MB | CPU ${Math.round(load.cpuPct)} %${logged === undefined ? "" : ` | logged ${logged} vs acked ${load.ok * c.body.n}`}`,
  );
  return run;
}

async function main(): Promise<void> {
  if (spawnSync("wrk", ["--version"]).error) throw new Error("wrk is not installed (apt-get install wrk)");
  const load0 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-serve-"));
  const shm =
    !process.env.BENCH_SKIP_TMPFS && existsSync("/dev/shm") ? mkdtempSync("/dev/shm/mw-bench-serve-") : null;
  const procs: Proc[] = [];
  const notes: string[] = [];
  let cells: Cell[] = [];
  try {
    const data = process.env.BENCH_DATA ?? join(dir, "fleet.csv");
    const registry = process.env.BENCH_REGISTRY ?? join(dir, "registry");
    if (!process.env.BENCH_DATA) cli(["simulate", "--out", data, "--seed", "7"]);
    if (!process.env.BENCH_REGISTRY) cli(["train", "--data", data, "--registry", registry, "--seed", "7"]);
    const fs = fsyncLatency(dir);
    notes.push(
      `fsync of a 4 KiB write on the log's disk (${dir.split("/").slice(0, 2).join("/")}): p50 ${fs.p50.toFixed(1)} ms, p99 ${fs.p99.toFixed(1)} ms (200 samples, just before the run).`,
    );

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

    const bare = await start("fastify-bare", process.execPath, nodeArgs("bench/baseline/fastify-bare.ts"), {
      dir,
      probe: { path: "/v1/predict", body: single.file },
      portArg: true,
    });
    procs.push(bare);
    cells.push(
      ...[16, 64].map((c) => ({
        server: "bare Fastify",
        proc: bare,
        url: `${bare.url}/v1/predict`,
        body: single,
        connections: c,
      })),
    );

    const millwright = async (
      name: string,
      label: string,
      dataDir: string,
      env: Record<string, string> = {},
    ) => {
      const p = await start(
        name,
        process.execPath,
        [...nodeArgs("src/cli/main.ts"), "serve", "--registry", registry, "--host", "127.0.0.1", "--port"],
        {
          dir,
          probe: { path: "/v2/health/ready" },
          portArg: true,
          env: { MILLWRIGHT_DATA_DIR: dataDir, MILLWRIGHT_RETRAIN_MODE: "off", LOG_LEVEL: "warn", ...env },
        },
      );
      procs.push(p);
      const db = join(dataDir, "predictions.db");
      const url = `${p.url}/v1/predict`;
      cells.push(...[16, 64].map((c) => ({ server: label, proc: p, url, body: single, connections: c, db })));
      cells.push(...[1, 4].map((c) => ({ server: label, proc: p, url, body: batch, connections: c, db })));
    };
    await millwright("millwright", "Millwright", join(dir, "mw-data"));
    if (shm) await millwright("millwright-tmpfs", "Millwright, log on tmpfs (diagnostic, not durable)", shm);

    const missing = flaskMissing();
    if (missing) {
      notes.push(`Flask baseline not run: ${missing}.`);
      console.log(notes.at(-1));
    } else {
      const pkl = join(dir, "sklearn.pkl");
      const t = spawnSync(PY, [join(ROOT, "bench", "baseline", "train_sklearn.py"), data, pkl], {
        encoding: "utf8",
      });
      if (t.status !== 0) throw new Error(`train_sklearn.py failed:\n${t.stderr}`);
      console.log(t.stdout.trim());
      // OMP_NUM_THREADS=1: sklearn's OpenMP threads spin-wait; 2 workers × 2 threads on 2 busy cores
      // collapsed to a few requests per second. One thread per worker is how one would deploy it.
      const flask = await start(
        "gunicorn",
        "gunicorn",
        ["-w", "2", "--chdir", join(ROOT, "bench", "baseline"), "flask_app:app", "-b"],
        {
          dir,
          probe: { path: "/health" },
          portArg: true,
          bindHost: "127.0.0.1",
          env: { MW_BASELINE_MODEL: pkl, OMP_NUM_THREADS: "1" },
        },
      );
      procs.push(flask);
      const url = `${flask.url}/v1/predict`;
      cells.push(...[16, 64].map((c) => ({ server: FLASK, proc: flask, url, body: single, connections: c })));
      cells.push(...[1, 4].map((c) => ({ server: FLASK, proc: flask, url, body: batch, connections: c })));
    }

    // JIT and caches warm once per server before any row counts.
    for (const p of procs) {
      const c = cells.find((x) => x.proc === p)!;
      await runWrk({
        url: c.url,
        bodyFile: single.file,
        connections: 16,
        seconds: START_WARMUP,
        pid: p.pid,
        lua,
      });
    }
    for (let r = 1; r <= ROUNDS; r++) {
      console.log(`round ${r} of ${ROUNDS}, load average ${loadavg()[0].toFixed(1)}`);
      for (const c of cells) (c.runs ??= []).push(await runCell(c, lua));
    }
  } finally {
    for (const p of procs) await p.stop();
    rmSync(dir, { recursive: true, force: true });
    if (shm) rmSync(shm, { recursive: true, force: true });
  }
  cells = cells.filter((c) => c.runs?.length);
  for (const [c, secs] of drains)
    if (c.body.n > 1 && c.server === "Millwright")
      notes.push(
        `After each ${SECONDS}-second run of ${c.body.n}-reading batches at ${c.connections} connection(s) the prediction log's journal held a backlog; the writer thread moved it into the indexed table in ${Math.min(...secs).toFixed(1)}–${Math.max(...secs).toFixed(1)} s more, the server answering meanwhile (moving takes at most a quarter of the writer thread's time while predictions keep arriving, see README "The prediction log").`,
      );
  const waits = [...commitWaits]
    .filter(([c]) => c.server === "Millwright")
    .map(([c, runs]) => {
      // The median round, as the table's: by requests/s, i.e. by latency, the lower of two.
      const [w, l] = [...runs].sort((a, b) => b[1] - a[1])[Math.floor((runs.length - 1) / 2)];
      return `${c.body.n === 1 ? "single" : `batch ${c.body.n}`}, ${c.connections} conn(s): ${w.toFixed(2)} of ${l.toFixed(2)} ms`;
    });
  if (waits.length > 0)
    notes.push(
      `Millwright's mean wait for the durable log commit, per request (${COMMIT_METRIC} from its /metrics, over the measured run), against its mean request latency (connections ÷ requests/s), median round: ${waits.join("; ")}. The wait covers the group's wait for its flush, the hand-off to the writer thread, the append and its fsync, the reply, and the main thread getting back to it; with few connections and the main thread not saturated, it bounds throughput (a closed loop answers connections ÷ latency requests a second).`,
    );
  report(cells, {
    load0,
    load1: loadavg(),
    seconds: SECONDS,
    warmup: WARMUP,
    startWarmup: START_WARMUP,
    rounds: ROUNDS,
    notes,
  });
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
