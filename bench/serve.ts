// Serving throughput and latency (issue 3, "Targets"), measured side by side in one run, each server
// in its own process on 127.0.0.1, the load from wrk in another process:
//   a) bare Fastify, one process: the same JSON reading validated by a JSON schema, a constant answer;
//   b) the contract server on the AI4I example (examples/contracts/ai4i.yaml, trained on the CSV):
//      POST /v1/predict, one reading, durable SQLite history log (writer thread), 16 and 64 conns,
//      and batches of 1,000 readings at 1 and 4 connections (baseline/serve-contract.ts);
//   c) with BENCH_AI4I_BEFORE=DIR, the retired AI4I app of a built checkout from before its deletion
//      (trained and served by that checkout's CLI), the same workloads: BENCHMARKS.md's baseline row;
//   d) the original design: Flask + scikit-learn under gunicorn (2 workers), when installed;
//   and, as a diagnostic, the contract server with its log on tmpfs (fsync costs nothing there: NOT
//   durable) to separate the disk's share from the CPU's.
// All servers stay up for the whole run and the rows are measured round-robin, BENCH_ROUNDS times,
// reporting the median round: the 2 cores are shared with other work, and interleaving spreads
// that noise over every row instead of letting it fall on one.
// After every Millwright run its SQLite log is counted (read-only) against the 2xx answers.
// Why wrk and not autocannon: wrk is C and needs a fraction of a core for ~10k requests/s, while
// autocannon's single Node thread needs about as much CPU as the server it measures. With 2 cores
// shared by client and server, a heavier client would cap every row at the client's speed.
// Run: node dist/bench/serve.js   (or node --import tsx bench/serve.ts)
// Env: BENCH_SECONDS (10), BENCH_WARMUP (2, per row), BENCH_START_WARMUP (5, per server),
// BENCH_ROUNDS (3), BENCH_SKIP_FLASK=1, BENCH_SKIP_TMPFS=1, BENCH_DATA + BENCH_REGISTRY (reuse; the
// contract registry), BENCH_SERVERS (the rows to run, of fastify,ai4i,tmpfs,contract,flask; default
// all; ai4i only with BENCH_AI4I_BEFORE), BENCH_AI4I_BEFORE=DIR (a built checkout that still has the
// AI4I app, e.g. 5898ea3), BENCH_CONTRACT_BEFORE=DIR (also the contract server of another built
// checkout, e.g. main: an A/B in one run), BENCH_CONTRACT_NODE_ARGS (the contract servers' node flags; default
// the image's, --max-semi-space-size=8), BENCH_NODE_ARGS (node flags for every Millwright server, e.g. "--cpu-prof
// --cpu-prof-dir=/tmp/prof"; NODE_OPTIONS may not carry --cpu-prof).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCsvFile } from "../src/data/load.js";
import { RAW_FEATURES } from "../src/data/schema.js";
import { FLASK, startFlask } from "./baseline/flask.js";
import { fsyncLatency, type Proc, runWrk, start, writeWrkScript } from "./baseline/harness.js";
import {
  AI4I_BEFORE,
  CONTRACT,
  CONTRACT_BEFORE,
  CONTRACT_DB,
  contractLoad,
  contractRunEnv,
} from "./baseline/serve-contract.js";
import { type Cell, report } from "./baseline/serve-report.js";
import { runCell, runNotes } from "./baseline/serve-run.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const START_WARMUP = Number(process.env.BENCH_START_WARMUP ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SERVERS = new Set((process.env.BENCH_SERVERS ?? "fastify,ai4i,tmpfs,contract,flask").split(","));
const NODE_FLAGS = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
/**
 * How the image (deploy/docker/Dockerfile) and `npm start` run the contract server: measured as
 * shipped. BENCH_CONTRACT_NODE_ARGS="" runs it without them.
 */
const SHIPPED_FLAGS = (process.env.BENCH_CONTRACT_NODE_ARGS ?? "--max-semi-space-size=8")
  .split(" ")
  .filter(Boolean);
const HERE = dirname(fileURLToPath(import.meta.url));
const FROM_DIST = HERE.includes(join("dist", "bench"));
const ROOT = FROM_DIST ? join(HERE, "..", "..") : join(HERE, "..");

/** Node arguments that run a repo TypeScript file, compiled (dist) or through tsx. */
function nodeArgs(rel: string, root = ROOT): string[] {
  return FROM_DIST ? [join(root, "dist", rel.replace(/\.ts$/, ".js"))] : ["--import", "tsx", join(root, rel)];
}

/** `millwright ARGS` of this checkout, or of the built checkout at `root`. */
function cli(args: string[], root = ROOT): void {
  const r = spawnSync(process.execPath, [...nodeArgs("src/cli/main.ts", root), ...args], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`millwright ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
}
/** A Millwright server (`millwright serve`, of this checkout or `root`'s) on `registry`, its log in `dataDir`. */
function serveMillwright(
  name: string,
  o: {
    dir: string;
    registry: string;
    dataDir: string;
    root?: string;
    env?: Record<string, string>;
    flags?: string[];
  },
): Promise<Proc> {
  const flags = [...NODE_FLAGS, ...(o.flags ?? [])];
  const args = [...flags, ...nodeArgs("src/cli/main.ts", o.root), "serve", "--registry", o.registry];
  return start(name, process.execPath, [...args, "--host", "127.0.0.1", "--port"], {
    dir: o.dir,
    probe: { path: "/v2/health/ready" },
    portArg: true,
    env: { MILLWRIGHT_DATA_DIR: o.dataDir, MILLWRIGHT_RETRAIN_MODE: "off", LOG_LEVEL: "warn", ...o.env },
  });
}

async function main(): Promise<void> {
  if (spawnSync("wrk", ["--version"]).error) throw new Error("wrk is not installed (apt-get install wrk)");
  const load0 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-serve-"));
  const shm =
    SERVERS.has("tmpfs") && !process.env.BENCH_SKIP_TMPFS && existsSync("/dev/shm")
      ? mkdtempSync("/dev/shm/mw-bench-serve-")
      : null;
  const procs: Proc[] = [];
  const notes: string[] = [];
  let cells: Cell[] = [];
  try {
    const data = process.env.BENCH_DATA ?? join(dir, "fleet.csv");
    const registry = process.env.BENCH_REGISTRY ?? join(dir, "registry");
    if (!process.env.BENCH_DATA) cli(["simulate", "--out", data, "--seed", "7"]);
    const yaml = join(ROOT, "examples", "contracts", "ai4i.yaml");
    if (!process.env.BENCH_REGISTRY)
      cli(["train", "--contract", yaml, "--data", data, "--registry", registry, "--seed", "7"]);
    const fs = fsyncLatency(dir);
    notes.push(
      `fsync of a 4 KiB write on the log's disk (${dir.split("/").slice(0, 2).join("/")}): p50 ${fs.p50.toFixed(1)} ms, p99 ${fs.p99.toFixed(1)} ms (200 samples, just before the run).`,
    );

    // Request bodies: one reading (the six fields), and 1,000 distinct readings from the same CSV.
    const rows = loadCsvFile(data).rows;
    const readings = rows.map((r) => ({
      type: r.type,
      ...Object.fromEntries(RAW_FEATURES.map((f) => [f, r[f]])),
    }));
    const lua = writeWrkScript(dir);
    const single = { file: join(dir, "single.json"), n: 1 };
    const batch = { file: join(dir, "batch.json"), n: 1000 };
    writeFileSync(single.file, JSON.stringify(readings[0]));
    writeFileSync(batch.file, JSON.stringify(readings.slice(0, 1000)));
    /** The four Millwright rows of a server: single at 16 and 64 connections, batches at 1 and 4. */
    const rowsOf = (label: string, p: Proc, b: { single: Cell["body"]; batch: Cell["body"] }, x = {}) => {
      const url = `${p.url}/v1/predict`;
      cells.push(
        ...[16, 64].map((c) => ({ server: label, proc: p, url, body: b.single, connections: c, ...x })),
      );
      cells.push(
        ...[1, 4].map((c) => ({ server: label, proc: p, url, body: b.batch, connections: c, ...x })),
      );
    };

    if (SERVERS.has("fastify")) {
      const bare = await start("fastify-bare", process.execPath, nodeArgs("bench/baseline/fastify-bare.ts"), {
        dir,
        probe: { path: "/v1/predict", body: single.file },
        portArg: true,
      });
      procs.push(bare);
      const url = `${bare.url}/v1/predict`;
      for (const c of [16, 64])
        cells.push({ server: "bare Fastify", proc: bare, url, body: single, connections: c });
    }

    // The retired AI4I app, from a checkout that still has it: the baseline BENCHMARKS.md compares with.
    const ai4iBefore = process.env.BENCH_AI4I_BEFORE;
    if (SERVERS.has("ai4i") && ai4iBefore) {
      const reg = join(dir, "registry-ai4i");
      cli(["train", "--data", data, "--registry", reg, "--seed", "7"], ai4iBefore);
      const dataDir = join(dir, "ai4i-data");
      const p = await serveMillwright("millwright-ai4i", { dir, registry: reg, dataDir, root: ai4iBefore });
      procs.push(p);
      rowsOf(AI4I_BEFORE, p, { single, batch }, { db: join(dataDir, "predictions.db") });
      notes.push(
        `${AI4I_BEFORE}: the AI4I app of the build in ${ai4iBefore}, trained by its own CLI on the same CSV.`,
      );
    } else if (SERVERS.has("ai4i"))
      notes.push(
        "The AI4I app is retired: set BENCH_AI4I_BEFORE=DIR (a built checkout before its deletion) for its row.",
      );

    const load = contractLoad(dir, rows);
    const contract = async (name: string, label: string, o: { root?: string; dataDir?: string } = {}) => {
      const dataDir = o.dataDir ?? join(dir, `${name}-data`);
      const p = await serveMillwright(name, { dir, registry, dataDir, root: o.root, flags: SHIPPED_FLAGS });
      procs.push(p);
      rowsOf(label, p, load, { db: join(dataDir, CONTRACT_DB) });
    };
    if (SERVERS.has("contract")) {
      notes.push(
        `${CONTRACT}: the AI4I example as a data-contract model, trained on the CSV (\`millwright train --contract examples/contracts/ai4i.yaml\`), every reading checked in time order per machine and logged durably to its SQLite history log (writer thread) before the answer. Its time is a counter, so each request carries a later count: single, reading 0's values for one of 384 machines in turn; batch, the CSV's first 1,000 rows (its 24 machines interleaved) under one of 8 machine-id blocks per wrk thread, each batch made in wrk's \`init\` before its clock starts, as a fixed body is (bench/baseline/serve-contract.ts). Its log check counts the readings its history log gained. Run as the image and \`npm start\` run it: node ${SHIPPED_FLAGS.join(" ") || "without flags"}.${process.env.BENCH_CONTRACT_BEFORE ? ` "before": the same model served by the build in ${process.env.BENCH_CONTRACT_BEFORE}.` : ""}`,
      );
      await contract("contract", CONTRACT);
      const before = process.env.BENCH_CONTRACT_BEFORE;
      if (before) await contract("contract-before", CONTRACT_BEFORE, { root: before });
    }
    if (shm)
      await contract("contract-tmpfs", `${CONTRACT}, log on tmpfs (diagnostic, not durable)`, {
        dataDir: shm,
      });

    if (SERVERS.has("flask")) {
      const flask = await startFlask(ROOT, dir, data, notes);
      if (flask) {
        procs.push(flask);
        rowsOf(FLASK, flask, { single, batch });
      }
    }

    // JIT and caches warm once per server before any row counts.
    for (const p of procs) {
      const c = cells.find((x) => x.proc === p)!;
      if (c.body.lua) contractRunEnv(16, START_WARMUP);
      await runWrk({
        url: c.url,
        bodyFile: c.body.file,
        connections: 16,
        seconds: START_WARMUP,
        pid: p.pid,
        lua: c.body.lua ?? lua,
      });
    }
    for (let r = 1; r <= ROUNDS; r++) {
      console.log(`round ${r} of ${ROUNDS}, load average ${loadavg()[0].toFixed(1)}`);
      for (const c of cells) (c.runs ??= []).push(await runCell(c, lua, WARMUP, SECONDS));
    }
  } finally {
    for (const p of procs) await p.stop();
    rmSync(dir, { recursive: true, force: true });
    if (shm) rmSync(shm, { recursive: true, force: true });
  }
  cells = cells.filter((c) => c.runs?.length);
  notes.push(...runNotes(SECONDS));
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
