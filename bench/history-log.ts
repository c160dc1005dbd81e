// The contract history log's cost per reading (issue 15, docs/one-server.md step 1): append+commit
// of 1,000-reading groups through the SQLite writer thread (a real file, WAL, synchronous=FULL),
// then a replay of the whole log in the server's pages (contract-history.ts: 10,000 entries), then
// labels by prediction id (2 a group, or 1 a one-reading group; 100 a call). This build's log beside another build's (BENCH_HISTORY_BEFORE=its dist
// directory, e.g. main's), rounds alternating, on a row-labelled contract's log (the reading-id
// index on: the AI4I contract). CPU per reading is split by thread (Linux /proc/self/task): the main
// thread's, and the writer thread's (its share of the wall time: how busy it is). And each append's
// wait, from the call to its commit (p50 / p99 / max): with BENCH_GROUP=1 BENCH_CONCURRENCY=64 it is
// the log's share of a single reading's latency at 64 connections (the WAL's checkpoints in its tail). Prints only.
// Run: node dist/bench/history-log.js   Env: BENCH_GROUPS (1,000 groups a round), BENCH_GROUP (1,000),
//   BENCH_CONCURRENCY (4 groups in flight), BENCH_ROUNDS (2), BENCH_HISTORY_BEFORE (none: this build only)
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { uuidv7Many } from "../src/serve/ids.js";
import type { HistoryLog, LoggedReading } from "../src/store/history/types.js";
import { machineLine, table } from "./lib/report.js";

const GROUPS = Number(process.env.BENCH_GROUPS ?? 1000);
const GROUP = Number(process.env.BENCH_GROUP ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BEFORE = process.env.BENCH_HISTORY_BEFORE;
const PAGE = 10_000; // contract-history.ts REBUILD_PAGE

type Open = (path: string, opts: { writerThread?: boolean; labelled?: boolean }) => HistoryLog;

/** A log build: this one, or another's dist directory. */
async function build(dist: string | null): Promise<Open> {
  const url = dist
    ? pathToFileURL(resolve(dist, "src/store/history/sqlite.js")).href
    : new URL("../src/store/history/sqlite.js", import.meta.url).href;
  const m = (await import(url)) as { SqliteHistoryLog: new (...a: unknown[]) => HistoryLog };
  return (path, opts) => new m.SqliteHistoryLog(path, opts);
}

/** A request's readings as the server logs them: AI4I's 6 values, 4 mode heads, one time per request. */
function group(k: number): LoggedReading[] {
  const now = 1_750_000_000_000 + k * 1000;
  const ids = uuidv7Many(GROUP, now);
  return ids.map((id, i) => ({
    id,
    machine: `M${(k * 7 + i) % 384}`,
    time: now + i,
    values: [298.1 + i / 1e3, 308.6 + i / 7e3, 1551 + (i % 97), 42.8 + i / 1e4, (k + i) % 240, i % 3],
    modelVersion: "1.0.0",
    predictedAt: now,
    failureProbability: ((i * Math.PI) % 1) / 3,
    heads: { twf: i / 1e4, hdf: i / 3e4, pwf: (i % 5) / 7, osf: i % 11 === 0 ? null : i / 5e4 },
  }));
}

/** CPU seconds of every thread of this process (utime + stime, clock ticks of 10 ms). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of readdirSync("/proc/self/task")) {
    const f = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
    const x = f.slice(f.lastIndexOf(")") + 2).split(" ");
    out.set(t, (Number(x[11]) + Number(x[12])) / 100);
  }
  return out;
}

interface Result {
  writePerSec: number;
  mainUs: number;
  writerUs: number;
  writerBusy: number;
  p50: number;
  p99: number;
  max: number;
  replayPerSec: number;
  labelUs: number;
  mb: number;
}

async function round(open: Open, dir: string, name: string): Promise<Result> {
  const path = join(dir, `${name}-${Date.now()}.db`);
  const before = new Set(threadCpu().keys());
  const log = open(path, { labelled: true });
  await log.init();
  // Built 100 groups at a time outside the timing (a million readings at once would take 400 MB).
  let wall = 0;
  let main = 0;
  let writer = 0;
  const ids: string[] = [];
  const waits: number[] = [];
  for (let k0 = 0; k0 < GROUPS; k0 += 100) {
    const groups = Array.from({ length: Math.min(100, GROUPS - k0) }, (_, k) => group(k0 + k));
    for (let i = 0; i < groups.length * Math.min(2, GROUP); i++)
      ids.push(groups[(i * 7919) % groups.length][(i * 104729) % GROUP].id);
    const cpu0 = threadCpu();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < groups.length) {
          const t = performance.now();
          await log.appendReadings(groups[next++]);
          waits.push(performance.now() - t);
        }
      }),
    );
    wall += (performance.now() - t0) / 1000;
    const cpu1 = threadCpu();
    main += (cpu1.get(String(process.pid)) ?? 0) - (cpu0.get(String(process.pid)) ?? 0);
    // The writer thread: the thread the log started that worked the most.
    let w = 0;
    for (const [t, sec] of cpu1) if (!before.has(t)) w = Math.max(w, sec - (cpu0.get(t) ?? 0));
    writer += w;
  }
  const readings = GROUPS * GROUP;
  const l0 = performance.now();
  for (let i = 0; i < ids.length; i += 100)
    await log.appendLabels(ids.slice(i, i + 100).map((id) => ({ id, label: 1, modes: {}, receivedAt: i })));
  const labelUs = ((performance.now() - l0) * 1000) / ids.length;
  await log.close();
  const reader = open(path, { writerThread: false, labelled: true });
  await reader.init();
  const r0 = performance.now();
  let seen = 0;
  for (let after = 0; ; ) {
    const page = await reader.entriesAfter(after, PAGE);
    seen += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1].seq;
  }
  const replay = (performance.now() - r0) / 1000;
  await reader.close();
  if (seen !== readings + ids.length)
    throw new Error(`${name}: replayed ${seen}, wrote ${readings + ids.length}`);
  const mb = statSync(path).size / 1e6;
  rmSync(path, { force: true });
  return {
    writePerSec: readings / wall,
    mainUs: (main * 1e6) / readings,
    writerUs: (writer * 1e6) / readings,
    writerBusy: writer / wall,
    p50: quantile(waits, 0.5),
    p99: quantile(waits, 0.99),
    max: quantile(waits, 1),
    replayPerSec: seen / replay,
    labelUs,
    mb,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The q-quantile, nearest rank (numpy's "inverted_cdf"). */
function quantile(xs: number[], q: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

async function main(): Promise<void> {
  const builds: [string, Open][] = [["this build", await build(null)]];
  if (BEFORE) builds.push([`before (${BEFORE})`, await build(BEFORE)]);
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-history-log-"));
  const load0 = loadavg();
  const results = new Map<string, Result[]>(builds.map(([n]) => [n, []]));
  try {
    for (let r = 0; r < ROUNDS; r++)
      for (const [name, open] of r % 2 === 0 ? builds : [...builds].reverse()) {
        const res = await round(open, dir, name.replace(/\W+/g, "-"));
        results.get(name)?.push(res);
        console.error(`round ${r + 1} ${name}: ${JSON.stringify(res)}`);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const f = (x: number, d = 0) => x.toFixed(d);
  console.log(machineLine());
  console.log(
    `${GROUPS} groups of ${GROUP} readings, ${CONCURRENCY} in flight, ${ROUNDS} rounds (medians); load ${load0.map((x) => x.toFixed(1)).join(" / ")} -> ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" / ")}\n`,
  );
  console.log(
    table(
      [
        "log",
        "written readings/s",
        "main thread µs/reading",
        "writer thread µs/reading",
        "writer busy",
        "append wait p50 / p99 / max ms",
        "replayed readings/s",
        "label µs",
        "file MB",
      ],
      [...results].map(([name, rs]) => {
        const m = (k: keyof Result) => median(rs.map((x) => x[k]));
        return [
          name,
          f(m("writePerSec")),
          f(m("mainUs"), 2),
          f(m("writerUs"), 2),
          `${f(m("writerBusy") * 100)} %`,
          `${f(m("p50"), 2)} / ${f(m("p99"), 2)} / ${f(m("max"), 1)}`,
          f(m("replayPerSec")),
          f(m("labelUs"), 1),
          f(m("mb"), 1),
        ];
      }),
    ),
  );
}

await main();
