// Process and load plumbing for bench/serve.ts: start a server as a child process and wait until it
// answers, drive it with wrk, sample its RSS and CPU from /proc while loaded, and count the prediction
// log read-only. Servers are stopped by their own PID only.
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface Proc {
  name: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `cmd args [PORT]` with its output in DIR/NAME.log and polls `probe` until it answers 2xx.
 * With `portArg` a free port is appended to the arguments; otherwise `port` must be given.
 */
export async function start(
  name: string,
  cmd: string,
  args: string[],
  o: {
    dir: string;
    probe: { path: string; body?: string };
    portArg?: boolean;
    /** Append HOST:PORT instead of PORT (gunicorn's -b). */
    bindHost?: string;
    port?: number;
    env?: NodeJS.ProcessEnv;
  },
): Promise<Proc> {
  const port = o.port ?? (await freePort());
  const log = join(o.dir, `${name}.log`);
  const fd = openSync(log, "a");
  const portText = o.bindHost ? `${o.bindHost}:${port}` : String(port);
  const child = spawn(cmd, o.portArg ? [...args, portText] : args, {
    env: { ...process.env, ...o.env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const proc: Proc = {
    name,
    pid: child.pid!,
    url,
    stop: async () => {
      if (exited) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exit;
      clearTimeout(t);
    },
  };
  const body = o.probe.body ? readFileSync(o.probe.body) : undefined;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} exited before it was ready; log:\n${tail(log)}`);
    try {
      const r = await fetch(
        url + o.probe.path,
        body ? { method: "POST", body, headers: { "content-type": "application/json" } } : {},
      );
      if (r.ok) return proc;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await proc.stop();
  throw new Error(`${name} not ready after 120 s; log:\n${tail(log)}`);
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-30).join("\n") : "(no log)";
}

/** The process and its children (gunicorn's workers), from /proc. */
function family(pid: number): number[] {
  const out = [pid];
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim();
      if (kids) out.push(...kids.split(/\s+/).map(Number));
    }
  } catch {
    // process gone
  }
  return out;
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime + stime in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

/** Every wrk script's summary: one JSON line runWrk reads. */
export const WRK_DONE = `
done = function(s, lat, req)
  local e = s.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%.0f,"p99_us":%.0f,"max_us":%.0f}\\n',
    s.requests, s.duration, e.connect, e.read, e.write, e.status, e.timeout,
    lat:percentile(50), lat:percentile(99), lat.max))
end
`;

// wrk script: POST the body file named by WRK_BODY; print the summary as one JSON line.
const WRK_SCRIPT = `
local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = f:read("*a")
f:close()
${WRK_DONE}`;

export function writeWrkScript(dir: string): string {
  const p = join(dir, "post.lua");
  writeFileSync(p, WRK_SCRIPT);
  return p;
}

export interface Load {
  connections: number;
  /** Completed requests per second (all statuses). */
  rps: number;
  /** Completed requests with a 2xx status. */
  ok: number;
  /** Socket errors, timeouts and 4xx/5xx answers. */
  errors: number;
  p50: number;
  p99: number;
  rssMb: number;
  cpuPct: number;
}

/** Runs wrk for `seconds` against `url`, sampling the server's RSS (max) and CPU while it runs. */
export async function runWrk(o: {
  url: string;
  bodyFile: string;
  connections: number;
  seconds: number;
  pid: number;
  lua: string;
}): Promise<Load> {
  const threads = Math.min(2, o.connections);
  const args = [
    "-t",
    String(threads),
    "-c",
    String(o.connections),
    "-d",
    `${o.seconds}s`,
    "--timeout",
    "30s",
    "-s",
    o.lua,
    o.url,
  ];
  const pids = family(o.pid);
  const cpu0 = pids.reduce((a, p) => a + cpuTicks(p), 0);
  const t0 = performance.now();
  let rss = 0;
  const sampler = setInterval(() => {
    rss = Math.max(
      rss,
      family(o.pid).reduce((a, p) => a + rssKb(p), 0),
    );
  }, 250);
  const child = spawn("wrk", args, {
    env: { ...process.env, WRK_BODY: o.bodyFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(sampler);
  const secs = (performance.now() - t0) / 1000;
  const cpu1 = family(o.pid).reduce((a, p) => a + cpuTicks(p), 0);
  const line = stdout.split("\n").find((l) => l.startsWith("WRKJSON "));
  if (code !== 0 || !line) throw new Error(`wrk ${args.join(" ")} failed (${code}):\n${stdout}\n${stderr}`);
  const s = JSON.parse(line.slice(8)) as Record<string, number>;
  // wrk counts answers with status > 399 as status errors; nothing here answers 1xx/3xx.
  const ok = s.requests - s.status;
  return {
    connections: o.connections,
    rps: s.requests / (s.duration_us / 1e6),
    ok,
    errors: s.connect + s.read + s.write + s.status + s.timeout,
    p50: s.p50_us / 1000,
    p99: s.p99_us / 1000,
    rssMb: rss / 1024,
    cpuPct: ((cpu1 - cpu0) / 100 / secs) * 100,
  };
}

/**
 * Records in the retired AI4I app's prediction log (BENCH_AI4I_BEFORE), read-only (the server keeps
 * writing; WAL lets us read beside it): the table plus the journal rows its writer thread has not
 * moved yet, both durable. One statement, one read snapshot: a move between the two is not counted twice.
 */
export function countLogged(db: string): number {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const sql =
      "SELECT (SELECT COUNT(*) FROM predictions) + (SELECT COALESCE(SUM(n - moved), 0) FROM prediction_journal) AS n";
    return (conn.prepare(sql).get() as { n: number }).n;
  } finally {
    conn.close();
  }
}

/** Resolves once the log's journal is empty (the writer thread has moved every record into the table). */
export async function journalMoved(db: string, timeoutMs = 600_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    let left: number;
    try {
      left = (conn.prepare("SELECT COUNT(*) AS n FROM prediction_journal").get() as { n: number }).n;
    } finally {
      conn.close();
    }
    if (left === 0) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`${db}: journal not moved after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * The log count once it has stopped moving for a full second: requests wrk abandoned at stop still
 * land, and on a starved 2-core box that can take longer than a few polls. (Millwright's in-flight
 * gauge cannot tell: it leaks on client aborts, see the report.)
 */
export async function settleCount(db: string): Promise<number> {
  let last = countLogged(db);
  let stable = 0;
  for (let i = 0; i < 240 && stable < 4; i++) {
    await sleep(250);
    const n = countLogged(db);
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
  return last;
}

/** fsync latency of DIR's disk (ms): what one durable group commit costs at least. */
export function fsyncLatency(dir: string, samples = 200): { p50: number; p99: number } {
  const file = join(dir, "fsync-probe");
  const fd = openSync(file, "w");
  const buf = Buffer.alloc(4096, 1);
  const lat: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, buf);
      const t = performance.now();
      fsyncSync(fd);
      lat.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
  lat.sort((a, b) => a - b);
  return { p50: lat[Math.floor(samples * 0.5)], p99: lat[Math.min(samples - 1, Math.floor(samples * 0.99))] };
}
