// Shared plumbing for the multi-process cluster tests: concurrent prediction load that remembers
// every acknowledged id, Prometheus text scraping, and reading the log straight from the database
// (never through the server under test, which may be dead or degraded).
import Database from "better-sqlite3";
import pg from "pg";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { READING } from "../helpers/model.js";

export const FEEDBACK_TOKEN = "cluster-feedback-token-0123456789";
export const ADMIN_TOKEN = "cluster-admin-token-0123456789";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LoadResult {
  /** Prediction ids answered with 200, in answer order (a duplicate here would be a bug too). */
  ok: string[];
  /** Non-200 answers and network errors, with the time they happened. */
  failures: { at: number; url: string; what: string }[];
  /** Model version of each 200, per target URL, in answer order, with the time. */
  versions: Map<string, { at: number; version: string }[]>;
  /** Problem codes of non-200 answers (e.g. MW_STORE_UNAVAILABLE). */
  codes: Map<string, number>;
}

export interface Load {
  result: LoadResult;
  /** Stops issuing new requests and waits for the ones in flight. */
  stop(): Promise<LoadResult>;
}

/**
 * `workers` fetch loops, round-robin over `urls`, each POSTing `batch` readings per request. A
 * request's outcome is recorded only when its answer arrives; requests cut off by a kill count as
 * failures, never as acknowledged.
 */
export function startLoad(urls: string[], o: { workers: number; batch?: number; pauseMs?: number }): Load {
  const result: LoadResult = { ok: [], failures: [], versions: new Map(), codes: new Map() };
  for (const u of urls) result.versions.set(u, []);
  const batch = o.batch ?? 1;
  const body = JSON.stringify(batch === 1 ? READING : Array.from({ length: batch }, () => READING));
  let stopped = false;
  let next = 0;
  const worker = async () => {
    while (!stopped) {
      const url = urls[next++ % urls.length];
      try {
        const r = await fetch(`${url}/v1/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const j = (await r.json()) as Record<string, unknown>;
        if (r.status === 200) {
          const preds = (batch === 1 ? [j] : (j.predictions as unknown[])) as {
            id: string;
            model: { version: string };
          }[];
          for (const p of preds) result.ok.push(p.id);
          result.versions.get(url)?.push({ at: Date.now(), version: preds[0].model.version });
        } else {
          const code = String(j.code ?? r.status);
          result.codes.set(code, (result.codes.get(code) ?? 0) + 1);
          result.failures.push({ at: Date.now(), url, what: `${r.status} ${code}` });
        }
      } catch (e) {
        result.failures.push({ at: Date.now(), url, what: String(e) });
        await sleep(20); // a dead server refuses at once: do not spin
      }
      if (o.pauseMs) await sleep(o.pauseMs);
    }
  };
  const running = Promise.all(Array.from({ length: o.workers }, worker));
  return {
    result,
    stop: async () => {
      stopped = true;
      await running;
      return result;
    },
  };
}

/** One sample of a Prometheus text exposition (no labels), or null when absent. */
export async function metric(url: string, name: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : null;
}

/** Polls `fn` until it returns true or `timeoutMs` passes; returns the elapsed ms, or null on timeout. */
export async function waitFor(
  fn: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<number | null> {
  const t0 = Date.now();
  for (;;) {
    try {
      if (await fn()) return Date.now() - t0;
    } catch {
      // not answering yet
    }
    if (Date.now() - t0 > timeoutMs) return null;
    await sleep(everyMs);
  }
}

/** Every prediction id in a PostgreSQL log with how often it appears. */
export async function pgIdCounts(url: string): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // The primary key forbids duplicates; counting anyway checks what we claim, not what we assume.
    const { rows } = await c.query<{ id: string; n: string }>(
      "SELECT id, COUNT(*) AS n FROM predictions GROUP BY id",
    );
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  } finally {
    await c.end();
  }
}

/**
 * The same for a SQLite log file. First the file is opened the way a restarted server opens it
 * (SqliteStore.init), which recovers the WAL and moves the journal rows a killed writer thread left
 * behind into the table; then the table is counted.
 */
export async function sqliteIdCounts(file: string): Promise<Map<string, number>> {
  const store = new SqliteStore({ path: file });
  await store.init();
  await store.close();
  const db = new Database(file);
  try {
    const rows = db.prepare("SELECT id, COUNT(*) AS n FROM predictions GROUP BY id").all() as {
      id: string;
      n: number;
    }[];
    const left = (db.prepare("SELECT COUNT(*) AS n FROM prediction_journal").get() as { n: number }).n;
    if (left !== 0) throw new Error(`${left} journal rows were not moved on open`);
    return new Map(rows.map((r) => [r.id, r.n]));
  } finally {
    db.close();
  }
}

/** Acknowledged ids missing from the log, logged more than once, or answered twice. */
export function checkLog(ok: string[], counts: Map<string, number>) {
  const seen = new Set<string>();
  const answeredTwice: string[] = [];
  for (const id of ok) {
    if (seen.has(id)) answeredTwice.push(id);
    seen.add(id);
  }
  const missing = ok.filter((id) => !counts.has(id));
  const twice = [...counts].filter(([, n]) => n !== 1).map(([id]) => id);
  return { missing, twice, answeredTwice };
}

export function sigkill(pid: number | undefined): void {
  if (pid) process.kill(pid, "SIGKILL");
}
