// The load serve-history.ts and serve-shadow.ts send: every request a different (machine, time), a
// wrk Lua script cycling through the model's machines (each wrk thread its own half), one hour (or
// one count) later on each pass, so every machine's readings come in time order (see serve-history.ts).
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { loadContract } from "../../src/contract/load.js";
import { parseCsv } from "../../src/data/csv.js";
import { WRK_DONE } from "../baseline/harness.js";

export const HOUR_S = 3600;

/** Numbers wrk's threads 0, 1, … (each its own Lua state): `tid` in init and request. */
export const WRK_THREAD_IDS = `
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end`;

// wrk: each thread takes every other machine line of WRK_BODY (a JSON prefix ending in
// "timestamp":), appends the time (`stamp`, a Lua expression of t0 and pass) and closes the object.
function cyclingLua(stamp: string): string {
  return `${WRK_THREAD_IDS}
function init(args)
  local f = assert(io.open(os.getenv("WRK_BODY"), "rb"))
  local all = {}
  for line in f:lines() do all[#all + 1] = line end
  f:close()
  local threads = tonumber(os.getenv("WRK_THREADS"))
  mine = {}
  for i = tid + 1, #all, threads do mine[#mine + 1] = all[i] end
  t0 = tonumber(os.getenv("WRK_T0"))
  n = 0
  headers = { ["Content-Type"] = "application/json" }
end
function request()
  local k = n % #mine
  local pass = math.floor(n / #mine)
  n = n + 1
  local body = mine[k + 1] .. ${stamp}
  return wrk.format("POST", nil, headers, body)
end
${WRK_DONE}`;
}

/** Time strings, an hour later on each pass (each prefix ends in "timestamp":"). */
export const HISTORY_LUA = cyclingLua(`os.date("!%Y-%m-%d %H:%M:%S", t0 + pass * ${HOUR_S}) .. '"}'`);
/** A counter time, one more on each pass (each prefix ends in "timestamp":). */
export const COUNTER_LUA = cyclingLua(`string.format("%.0f}", t0 + pass)`);

/** One JSON prefix per machine: its last training reading, by the contract's names. */
export function machinePrefixes(contractFile: string, telemetry: string): string[] {
  const c = loadContract(contractFile).contract;
  const t = parseCsv(readFileSync(telemetry, "utf8"));
  const col = (name: string) => t.header.indexOf(name);
  const last = new Map<string, string[]>();
  for (const row of t.rows) last.set(row[col(c.machine?.column ?? "")], row);
  return [...last].map(([id, row]) => {
    const fields: Record<string, unknown> = { machine_id: id };
    for (const r of c.readings) {
      const s = row[col(r.column)]?.trim();
      if (s) fields[r.name] = Number(s);
    }
    return `${JSON.stringify(fields).slice(0, -1)},"timestamp":"`;
  });
}

/** The first hour of the benches' readings (seconds since 1970): later than any training data. */
export const FIRST_T0 = Date.UTC(2030, 0, 1) / 1000;

/**
 * Where a contract server's next run of readings starts (seconds since 1970): the hour after the
 * newest reading it holds (GET /v1/fleet), and never before FIRST_T0. Each run's readings must come
 * after the last run's (a reading at or before its machine's newest is a 409) and no more than 7
 * days after the fleet's newest (core/limits.ts MAX_AHEAD_MS: a 400). A fixed jump per run can keep
 * only the first: 5,000 hours per run made every reading of every run after the first a 400.
 */
export async function hourAfterNewest(url: string): Promise<number> {
  let newest = 0;
  let cursor: string | null = null;
  do {
    const res: Response = await fetch(
      `${url}/v1/fleet?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (!res.ok) throw new Error(`GET /v1/fleet answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as {
      machines: { last_reading_at: string }[];
      next_cursor: string | null;
    };
    for (const m of page.machines) newest = Math.max(newest, Date.parse(m.last_reading_at));
    cursor = page.next_cursor;
  } while (cursor);
  return Math.max(FIRST_T0, Math.floor(newest / 1000 / HOUR_S) * HOUR_S + HOUR_S);
}

/** A contract server's run that answered nothing is not a throughput: stop the bench, saying so. */
export function answeredSome(server: string, run: { ok: number; errors: number }): void {
  if (run.ok === 0)
    throw new Error(
      `${server}: no 2xx answer in the run (${run.errors} errors): the load, not the server, is wrong`,
    );
}

/** Readings in a contract server's history log, read-only beside the server (WAL). */
export function countReadings(db: string): number {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    // Layout 4 packs a group's readings in one row of n; a build from before (an A/B run) has a row each.
    const packed = (conn.pragma("table_info(log)") as { name: string }[]).some((c) => c.name === "n");
    const sql = packed
      ? "SELECT COALESCE(SUM(n), 0) AS n FROM log WHERE type IN ('reading', 'readings')"
      : "SELECT COUNT(*) AS n FROM log WHERE type = 'reading'";
    return (conn.prepare(sql).get() as { n: number }).n;
  } finally {
    conn.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The log count once it has stopped moving for a second (requests wrk abandoned at stop still land). */
export async function settled(db: string): Promise<number> {
  let last = countReadings(db);
  for (let stable = 0, i = 0; stable < 4 && i < 240; i++) {
    await sleep(250);
    const n = countReadings(db);
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
  return last;
}
