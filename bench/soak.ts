// Soak (issue 7, "Load and soak"): one Millwright server (the contract server on the AI4I example,
// examples/contracts/ai4i.yaml) with its durable SQLite history log, driven at 70 % of its measured
// peak single-reading throughput for a long while. Figures: errors, p99 per chunk (a minute by
// default), RSS at the start and the end (target: growth < 10 %), and a log check (every
// acknowledged reading is in the SQLite file).
// Load: wrk (C, light on the shared cores), 32 connections, each request a later count for one of
// 384 machines in turn (bench/baseline/serve-contract.ts: a fixed body would be a 409 from the second
// request on, so autocannon's fixed bodies cannot drive it). Peak: BENCH_PEAK_SECONDS unpaced. Soak:
// the same script paced by wrk's delay() (each connection waits connections ÷ rate between requests),
// one run per chunk.
// Run: node dist/bench/soak.js
// Env: BENCH_SOAK_SECONDS (600), BENCH_SOAK_CHUNK_SECONDS (60), BENCH_PEAK_SECONDS (10),
// BENCH_SOAK_FRACTION (0.7), BENCH_SOAK_CONNECTIONS (32).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCsvFile } from "../src/data/load.js";
import { trainAi4iContract } from "../test/helpers/ai4i-contract.js";
import { startServerProcess } from "../test/helpers/server-process.js";
import { runWrk } from "./baseline/harness.js";
import { CONTRACT_DB, contractLoad, contractRunEnv } from "./baseline/serve-contract.js";
import { settled } from "./lib/history-load.js";
import { machineLine, table, writeSection } from "./lib/report.js";

const SOAK_S = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const CHUNK_S = Number(process.env.BENCH_SOAK_CHUNK_SECONDS ?? 60);
const PEAK_S = Number(process.env.BENCH_PEAK_SECONDS ?? 10);
const FRACTION = Number(process.env.BENCH_SOAK_FRACTION ?? 0.7);
const CONNS = Number(process.env.BENCH_SOAK_CONNECTIONS ?? 32);
// Compiled (dist/bench) only: the server helper starts the compiled CLI.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Chunk {
  minute: number;
  seconds: number;
  requests: number;
  ok: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  rssMb: number;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

async function main(): Promise<void> {
  const load0 = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), "mw-soak-"));
  const { registry } = trainAi4iContract(dataDir, { machines: 8, days: 10 });
  const load = contractLoad(dataDir, loadCsvFile(join(dataDir, "fleet.csv")).rows);
  const bodyFile = load.single.file;
  const lua = load.single.lua;
  const paced = join(dataDir, "paced.lua");
  writeFileSync(
    paced,
    `${readFileSync(lua, "utf8")}\nfunction delay()\n  return tonumber(os.getenv("WRK_DELAY_MS"))\nend\n`,
  );
  const srv = await startServerProcess(["serve", "--registry", registry.dir], {
    MILLWRIGHT_DATA_DIR: dataDir,
    MILLWRIGHT_RETRAIN_MODE: "off",
  });
  const pid = srv.child.pid as number;
  const db = join(dataDir, CONTRACT_DB);
  try {
    // Warm-up, then the peak with wrk.
    contractRunEnv(CONNS);
    await runWrk({ url: `${srv.url}/v1/predict`, bodyFile, connections: CONNS, seconds: 3, pid, lua });
    contractRunEnv(CONNS);
    const peak = await runWrk({
      url: `${srv.url}/v1/predict`,
      bodyFile,
      connections: CONNS,
      seconds: PEAK_S,
      pid,
      lua,
    });
    const rate = peak.rps * FRACTION;
    console.log(
      `peak ${peak.rps.toFixed(0)} requests/s (wrk, ${CONNS} conns); soaking at ${rate.toFixed(0)}/s`,
    );
    const loggedBefore = await settled(db);
    const rssStart = rssMb(pid);
    const chunks: Chunk[] = [];
    let acked = 0;
    for (let done = 0, i = 1; done < SOAK_S; i++) {
      const secs = Math.min(CHUNK_S, SOAK_S - done);
      process.env.WRK_DELAY_MS = String((1000 * CONNS) / rate);
      contractRunEnv(CONNS);
      const r = await runWrk({
        url: `${srv.url}/v1/predict`,
        bodyFile,
        connections: CONNS,
        seconds: secs,
        pid,
        lua: paced,
      });
      acked += r.ok;
      const c: Chunk = {
        minute: i,
        seconds: secs,
        requests: Math.round(r.rps * secs),
        ok: r.ok,
        errors: r.errors,
        rps: r.rps,
        p50: r.p50,
        p99: r.p99,
        rssMb: rssMb(pid),
      };
      chunks.push(c);
      console.log(JSON.stringify(c));
      done += secs;
    }
    const rssEnd = rssMb(pid);
    const logged = (await settled(db)) - loggedBefore;
    report({ peak, rate, chunks, rssStart, rssEnd, acked, logged, load0 });
  } finally {
    srv.child.kill("SIGTERM");
    await srv.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(o: {
  peak: { rps: number; p99: number; errors: number };
  rate: number;
  chunks: Chunk[];
  rssStart: number;
  rssEnd: number;
  acked: number;
  logged: number;
  load0: number[];
}): void {
  const fmt = (n: number, d = 0) =>
    n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  const errors = o.chunks.reduce((a, c) => a + c.errors, 0);
  // Growth from the end of the first chunk: V8 grows its heap to the load's working set in the first
  // seconds, which is warm-up, not a leak; the cold figure is shown too.
  const warm = o.chunks[0]?.rssMb ?? o.rssStart;
  const growth = (o.rssEnd / warm - 1) * 100;
  const growthCold = (o.rssEnd / o.rssStart - 1) * 100;
  const p99s = o.chunks.map((c) => c.p99);
  const secs = o.chunks.reduce((a, c) => a + c.seconds, 0);
  const short = secs < 600;
  const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(" / ");
  const rows = o.chunks.map((c) => [
    c.minute,
    c.seconds,
    fmt(c.rps),
    fmt(c.ok),
    c.errors,
    fmt(c.p50, 1),
    fmt(c.p99, 1),
    fmt(c.rssMb, 1),
  ]);
  const body = [
    "## Soak (bench/soak.ts)",
    "",
    `${machineLine()}. Load average ${la(o.load0)} at the start, ${la(loadavg())} at the end: the 2 cores were shared with other work (other engineers' builds and tests), so latencies are noisy.`,
    `One Millwright server (the contract server on the AI4I example; own process, 127.0.0.1), POST /v1/predict with one reading, every reading logged durably to its SQLite history log before the answer. Peak measured first with wrk (${CONNS} connections, ${PEAK_S} s after a 3 s warm-up): ${fmt(o.peak.rps)} requests/s, p99 ${fmt(o.peak.p99, 1)} ms. Soak at ${Math.round(FRACTION * 100)} % of it, ${fmt(o.rate)} requests/s, paced by wrk's delay() (${CONNS} connections), one run per ${CHUNK_S} s chunk.`,
    short
      ? `**Shortened run: ${secs} s, not the 10 minutes the issue asks for** (the session's time was short; \`BENCH_SOAK_SECONDS=600 node dist/bench/soak.js\` runs the full soak).`
      : `Duration ${secs} s.`,
    "",
    table(["chunk", "s", "requests/s", "2xx", "errors", "p50 ms", "p99 ms", "RSS MB"], rows),
    "",
    table(
      ["check", "measured", "target"],
      [
        ["errors (non-2xx, socket errors, timeouts)", `${errors} ${errors === 0 ? "✔" : "✘"}`, "0"],
        ["p99 per chunk, min–max", `${fmt(Math.min(...p99s), 1)}–${fmt(Math.max(...p99s), 1)} ms`, "stable"],
        [
          "RSS after the first chunk (warm) → end",
          `${fmt(warm, 1)} → ${fmt(o.rssEnd, 1)} MB (${growth >= 0 ? "+" : ""}${fmt(growth, 1)} %) ${growth < 10 ? "✔" : "✘"}`,
          "< 10 % growth",
        ],
        [
          "RSS at the soak's start (after the peak run) → end",
          `${fmt(o.rssStart, 1)} → ${fmt(o.rssEnd, 1)} MB (${growthCold >= 0 ? "+" : ""}${fmt(growthCold, 1)} %)`,
          "(includes heap warm-up)",
        ],
        [
          "log check (rows added vs 2xx)",
          `${fmt(o.logged)} logged, ${fmt(o.acked)} acknowledged ${o.logged >= o.acked ? "✔" : "✘"}`,
          "every 2xx logged",
        ],
      ],
    ),
  ].join("\n");
  console.log(`\n${body}\n`);
  writeSection("soak", body, join(ROOT, "BENCHMARKS.md"));
}

await main();
