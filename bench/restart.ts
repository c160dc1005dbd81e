// A restart, timed: how long `millwright serve` takes from its process start to ready
// (GET /v2/health/ready answers 2xx) on a history log that already holds BENCH_READINGS readings.
// Before it is ready the server replays the whole log into the fleet's history, the monitor and
// the board (README "The log"), so this is the time a pod or a laptop is down after every restart,
// promotion crash or upgrade, and it grows with the log.
// The log is written once, by this build's server over HTTP (batches of 1,000 of the AI4I example's
// readings on 96 machines, their counters in order), then copied afresh for every start, so every
// start replays the same bytes. With BENCH_RESTART_BEFORE=DIR (a built checkout, e.g. main) that
// build's server starts on the same log and registry, rounds alternating: side by side.
// Checked after each start: the fleet the server answers holds every machine the log wrote, with
// its newest reading (GET /v1/fleet), so a start that skipped entries cannot pass as a fast one.
// Run: node dist/bench/restart.js   Env: BENCH_READINGS (1,000,000), BENCH_ROUNDS (3),
//   BENCH_RESTART_BEFORE (none: this build only). Writes BENCHMARKS.md's "Restart" section.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCsvFile } from "../src/data/load.js";
import { RAW_FEATURES } from "../src/data/schema.js";
import { freePort } from "./baseline/harness.js";
import { machineLine, table, writeSection } from "./lib/report.js";

const READINGS = Number(process.env.BENCH_READINGS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BEFORE = process.env.BENCH_RESTART_BEFORE ? resolve(process.env.BENCH_RESTART_BEFORE) : null;
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = HERE.includes(join("dist", "bench")) ? join(HERE, "..", "..") : join(HERE, "..");
const MACHINES = 96;
const BATCH = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cli(args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, "dist/src/cli/main.js"), ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`millwright ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
}

interface Server {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first 2xx of /v2/health/ready. */
  readyMs: number;
  stop(): Promise<void>;
}

/** `millwright serve` of `root` on `registry` with its log in `dataDir`, polled every 20 ms until ready. */
async function serve(root: string, registry: string, dataDir: string, logFile: string): Promise<Server> {
  const port = await freePort();
  const fd = openSync(logFile, "a");
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      join(root, "dist/src/cli/main.js"),
      "serve",
      "--registry",
      registry,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    {
      env: {
        ...process.env,
        MILLWRIGHT_DATA_DIR: dataDir,
        MILLWRIGHT_RETRAIN_MODE: "off",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", fd, fd],
    },
  );
  closeSync(fd);
  let exited = false;
  const exit = new Promise<void>((r) => child.once("exit", () => r()));
  void exit.then(() => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exit;
    clearTimeout(t);
  };
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; ) {
    if (exited) throw new Error(`${root}: server exited before it was ready; see ${logFile}`);
    try {
      if ((await fetch(`${url}/v2/health/ready`)).ok)
        return { url, child, readyMs: performance.now() - t0, stop };
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  await stop();
  throw new Error(`${root}: not ready after 600 s; see ${logFile}`);
}

/** The process's CPU seconds (utime + stime) and its peak RSS in MB, from /proc. */
function usage(pid: number): { cpu: number; hwmMb: number } {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return { cpu: (Number(f[11]) + Number(f[12])) / 100, hwmMb: hwm ? Number(hwm[1]) / 1024 : 0 };
}

/** Writes the log: READINGS readings through this build's server, `conns` batches in flight. */
async function fill(
  registry: string,
  dataDir: string,
  csv: string,
  dir: string,
): Promise<Map<string, number>> {
  const rows = loadCsvFile(csv).rows.slice(0, BATCH);
  const fields = rows.map((r) =>
    JSON.stringify({ type: r.type, ...Object.fromEntries(RAW_FEATURES.map((f) => [f, r[f]])) }).slice(1, -1),
  );
  const s = await serve(ROOT, registry, dataDir, join(dir, "fill.log"));
  const newest = new Map<string, number>();
  try {
    const batches = Math.ceil(READINGS / BATCH);
    let next = 0;
    const post = async () => {
      for (let b = next++; b < batches; b = next++) {
        const n = Math.min(BATCH, READINGS - b * BATCH);
        // Machine i % 96 gets counts b·1000 + i: in order within a batch and from batch to batch.
        const body = `[${Array.from({ length: n }, (_, i) => `{"machine_id":"R${i % MACHINES}","timestamp":${b * BATCH + i},${fields[i]}}`).join(",")}]`;
        const r = await fetch(`${s.url}/v1/predict`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        if (!r.ok)
          throw new Error(`fill: batch ${b} answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
        await r.arrayBuffer();
      }
    };
    // One at a time: each machine's counts must arrive in order.
    await post();
    for (let k = 0; k < READINGS; k++) newest.set(`R${(k % BATCH) % MACHINES}`, k);
  } finally {
    await s.stop();
  }
  return newest;
}

/** The fleet the server answers holds every machine written, R0 with its newest count. */
async function checkFleet(url: string, newest: Map<string, number>): Promise<void> {
  const fleet = (await (await fetch(`${url}/v1/fleet`)).json()) as { total?: number };
  if (fleet.total !== newest.size)
    throw new Error(`after the restart the fleet holds ${fleet.total} machines, not ${newest.size}`);
  const r0 = (await (await fetch(`${url}/v1/machines/R0`)).json()) as { history?: { timestamp: unknown }[] };
  const last = r0.history?.at(-1)?.timestamp;
  if (last !== newest.get("R0"))
    throw new Error(
      `after the restart R0's newest reading is ${JSON.stringify(last)}, not ${newest.get("R0")}`,
    );
}

function copyDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const load0 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-restart-"));
  try {
    const csv = join(dir, "fleet.csv");
    const registry = join(dir, "registry");
    cli(["simulate", "--out", csv, "--seed", "7"]);
    cli([
      "train",
      "--contract",
      join(ROOT, "examples/contracts/ai4i.yaml"),
      "--data",
      csv,
      "--registry",
      registry,
      "--seed",
      "7",
    ]);
    const logged = join(dir, "logged");
    const f0 = performance.now();
    const newest = await fill(registry, logged, csv, dir);
    const fillS = (performance.now() - f0) / 1000;
    const dbBytes = readdirSync(logged).reduce((s, f) => s + readFileSync(join(logged, f)).byteLength, 0);
    const builds: [string, string][] = [["this build", ROOT]];
    if (BEFORE) {
      if (!existsSync(join(BEFORE, "dist/src/cli/main.js")))
        throw new Error(`${BEFORE}: no dist/src/cli/main.js (build it)`);
      builds.push([`before (${BEFORE})`, BEFORE]);
    }
    const runs = new Map<string, { ms: number; cpu: number; mb: number }[]>(builds.map(([n]) => [n, []]));
    for (let r = 0; r < ROUNDS; r++)
      for (const [name, root] of r % 2 === 0 ? builds : [...builds].reverse()) {
        const data = join(dir, "data");
        copyDir(logged, data);
        const s = await serve(root, registry, data, join(dir, `start-${r}.log`));
        const u = usage(s.child.pid as number);
        try {
          await checkFleet(s.url, newest);
        } finally {
          await s.stop();
        }
        runs.get(name)?.push({ ms: s.readyMs, cpu: u.cpu, mb: u.hwmMb });
        console.log(
          `${name} round ${r + 1}: ready in ${(s.readyMs / 1000).toFixed(2)} s, CPU ${u.cpu.toFixed(2)} s, peak RSS ${u.hwmMb.toFixed(0)} MB`,
        );
      }
    const load1 = loadavg();
    const rows = builds.map(([name]) => {
      const xs = runs.get(name) ?? [];
      const med = median(xs.map((x) => x.ms));
      return [
        name,
        `${(med / 1000).toFixed(2)} (${xs.map((x) => (x.ms / 1000).toFixed(2)).join(", ")})`,
        Math.round(READINGS / (med / 1000)).toLocaleString("en-US"),
        median(xs.map((x) => x.cpu)).toFixed(2),
        median(xs.map((x) => x.mb)).toFixed(0),
      ];
    });
    const body = [
      "## Restart to ready (bench/restart.ts)",
      "",
      `${machineLine()}. Load average ${load0.map((x) => x.toFixed(1)).join(" / ")} at the start, ${load1.map((x) => x.toFixed(1)).join(" / ")} at the end.`,
      `A history log of ${READINGS.toLocaleString("en-US")} readings of the AI4I example (examples/contracts/ai4i.yaml, ${MACHINES} machines, ${(dbBytes / 1e6).toFixed(0)} MB on disk) written by this build's server in ${fillS.toFixed(0)} s; then \`millwright serve\` started on a fresh copy of it, ${ROUNDS} round(s), builds alternating; seconds from the process's start to the first 2xx of GET /v2/health/ready (polled every 20 ms), in which it loads the model and replays the whole log into the fleet's history, the monitor and the board. CPU and peak RSS of the server process at that moment. Each start was checked: GET /v1/fleet held all ${MACHINES} machines, R0 with its newest count.`,
      "",
      table(["server", "ready s, median (rounds)", "readings per s of start", "CPU s", "peak RSS MB"], rows),
    ].join("\n");
    console.log(`\n${body}`);
    writeSection("Restart", body);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
