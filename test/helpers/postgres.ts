// A real PostgreSQL for tests: initdb into a temp dir, postgres on 127.0.0.1 and a free port, fsync off
// (tests only). As root, initdb refuses to run, so the server runs as the `postgres` user (spawn with
// its uid/gid: the same as `runuser -u postgres --`, but we keep the real server PID to signal it).
// kill() is "the database goes away" (SIGKILL to the postmaster and its backends); start() brings it
// back on the same data dir and port. Logs stay in the temp dir and are printed when a test fails.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  openSync,
  closeSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import pg from "pg";

export interface PostgresFixture {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  dir: string;
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(): Promise<string>;
  /** Fast shutdown (SIGINT), waiting for exit. */
  stop(): Promise<void>;
  /** SIGKILL the postmaster and every backend: the database vanishes mid-flight. */
  kill(): Promise<void>;
  /** Starts again on the same data dir and port. */
  start(): Promise<void>;
  logs(): string;
  /** Stops the server and removes the temp dir. */
  dispose(): Promise<void>;
}

function findBinDir(): string | null {
  // PG_BIN_DIR points elsewhere (another install, or a bogus path to check the skip message).
  if (process.env.PG_BIN_DIR)
    return existsSync(join(process.env.PG_BIN_DIR, "postgres")) ? process.env.PG_BIN_DIR : null;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  const preferred = versions.includes("15") ? "15" : versions[0];
  return preferred ? join(root, preferred, "bin") : null;
}

function freePort(): Promise<number> {
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

/** Alive and not a zombie (killed backends are reparented; a zombie holds nothing). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // process exited while we looked
    }
  }
  return out;
}

/**
 * initdb is the slowest part of a start (seconds on a busy machine), so the first run keeps a pristine
 * cluster under the temp dir and later runs copy it (`cp -a` keeps owner and the 0700 mode PostgreSQL
 * demands). The template appears by atomic rename, so test files starting in parallel never see half of it.
 */
function initdbCached(
  bin: string,
  data: string,
  ids: { uid: number; gid: number } | undefined,
  env: NodeJS.ProcessEnv,
) {
  const uid = ids?.uid ?? process.getuid?.() ?? 0;
  const template = join(tmpdir(), `mw-pg-template-${basename(dirname(bin))}-${uid}`);
  if (!existsSync(join(template, "PG_VERSION"))) {
    const staging = mkdtempSync(join(tmpdir(), "mw-pg-initdb-"));
    try {
      if (ids) chownSync(staging, ids.uid, ids.gid);
      execFileSync(
        join(bin, "initdb"),
        ["-D", join(staging, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
        {
          ...ids,
          env,
          cwd: staging,
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      try {
        renameSync(join(staging, "data"), template);
      } catch {
        // another test process published it first: use theirs
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  execFileSync("cp", ["-a", template, data]);
}

export interface StartOptions {
  /** Default false: tests need speed, not crash safety. Benchmarks pass true. */
  fsync?: boolean;
}

export async function startPostgres(opts: StartOptions = {}): Promise<PostgresFixture> {
  const durability = opts.fsync
    ? []
    : ["-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=on"];
  const bin = findBinDir();
  if (!bin) throw new Error("no PostgreSQL binaries under /usr/lib/postgresql/*/bin");
  const asRoot = process.getuid?.() === 0;
  let ids: { uid: number; gid: number } | undefined;
  if (asRoot) {
    ids = {
      uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
      gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "mw-pg-"));
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const data = join(dir, "data");
  const logFile = join(dir, "postgres.log");
  const env = { ...process.env, HOME: dir, LC_ALL: "C", LANG: "C" };
  initdbCached(bin, data, ids, env);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | null = null;
  let dbCounter = 0;

  const waitReady = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      c.on("error", () => {});
      try {
        await c.connect();
        await c.query("SELECT 1");
        await c.end();
        return;
      } catch (e) {
        await c.end().catch(() => {});
        if (child?.exitCode !== null && child?.exitCode !== undefined)
          throw new Error(`postgres exited with ${child.exitCode}:\n${fixture.logs()}`);
        if (Date.now() > deadline)
          throw new Error(`postgres not ready after ${timeoutMs} ms: ${e}\n${fixture.logs()}`);
        await sleep(50);
      }
    }
  };

  const waitExit = async (p: ChildProcess, timeoutMs: number) => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((r) => p.once("exit", r)),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs); // cleared below: a pending timer would hold the test process open
      }),
    ]);
    clearTimeout(timer);
  };

  const fixture: PostgresFixture = {
    url,
    port,
    dir,
    async createDatabase() {
      const name = `mw_test_${process.pid}_${++dbCounter}`;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      const fd = openSync(logFile, "a");
      child = spawn(
        join(bin, "postgres"),
        [
          "-D",
          data,
          "-p",
          String(port),
          "-c",
          "listen_addresses=127.0.0.1",
          "-c",
          `unix_socket_directories=${dir}`,
          ...durability,
          "-c",
          "max_connections=200",
        ],
        { ...ids, env, cwd: dir, stdio: ["ignore", fd, fd] },
      );
      closeSync(fd);
      child.on("error", () => {});
      await waitReady(30_000);
    },
    async stop() {
      const p = child;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      p.kill("SIGINT");
      await waitExit(p, 15_000);
      if (p.exitCode === null && p.signalCode === null) await fixture.kill();
    },
    async kill() {
      const p = child;
      if (!p?.pid || p.exitCode !== null || p.signalCode !== null) return;
      const kids = childrenOf(p.pid);
      p.kill("SIGKILL");
      for (const k of kids) {
        try {
          process.kill(k, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await waitExit(p, 5000);
      // Backends must be gone too, or the restart refuses the old shared memory.
      for (let i = 0; i < 100 && kids.some(running); i++) await sleep(20);
    },
    logs() {
      try {
        return readFileSync(logFile, "utf8");
      } catch {
        return "(no postgres log)";
      }
    },
    async dispose() {
      await fixture.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // If the test process dies without teardown, do not leave a server running.
  process.once("exit", () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  await fixture.start();
  return fixture;
}

/**
 * Starts PostgreSQL or explains why not: under CI=true a failure to start is an error (nothing may
 * skip there); elsewhere the caller skips with the printed reason.
 */
export async function postgresOrSkip(): Promise<{ pg: PostgresFixture | null; skip: string | false }> {
  try {
    return { pg: await startPostgres(), skip: false };
  } catch (e) {
    if (process.env.CI === "true") throw e;
    const reason = `PostgreSQL could not start here: ${(e as Error).message.split("\n")[0]}`;
    console.log(`skip: ${reason}`);
    return { pg: null, skip: reason };
  }
}

/** Runs a test body; on failure prints the server log before rethrowing. */
export async function withPostgresLogs<T>(fx: PostgresFixture, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    console.error(`--- postgres log (${fx.dir}) ---\n${fx.logs().slice(-8000)}`);
    throw e;
  }
}
