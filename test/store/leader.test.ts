// Leader election on a real PostgreSQL: exactly one of several electors leads; when the leader's
// session dies (backend terminated, or the whole process killed with SIGKILL) another takes over
// within a bound. SQLite: the single process always leads.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createLeaderElector, type LeaderElector } from "../../src/store/leader.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";

const { pg: fx, skip } = await postgresOrSkip();
const dir = mkdtempSync(join(tmpdir(), "mw-leader-"));
after(async () => {
  await fx?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const INTERVAL = 200;
/** Takeover bound: the follower retries every interval; allow a few for a loaded 2-core machine. */
const BOUND_MS = 5 * INTERVAL + 1500;

async function within(ms: number, cond: () => boolean, what: string): Promise<number> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(10);
  }
  return Date.now() - t0;
}

async function lockHolders(key: number): Promise<number[]> {
  const c = new pg.Client({ connectionString: fx!.url });
  await c.connect();
  try {
    // A bigint advisory key shows as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
    const { rows } = await c.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND objsubid = 1 AND granted",
      [key],
    );
    return rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

test("SQLite: the single process is always the leader", async () => {
  const s = new SqliteStore({ path: join(dir, "leader.db") });
  await s.init();
  const seen: string[] = [];
  const e = createLeaderElector(s, {
    onElected: () => void seen.push("elected"),
    onDemoted: () => void seen.push("demoted"),
  });
  await e.start();
  assert.equal(e.isLeader(), true);
  await e.stop();
  assert.equal(e.isLeader(), false);
  assert.deepEqual(seen, ["elected", "demoted"]);
  await s.close();
});

test(
  "PostgreSQL: exactly one of three leads; a terminated leader session hands over in bounded time",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const key = 4242;
      const log: string[] = [];
      const electors: LeaderElector[] = ["a", "b", "c"].map((name) =>
        createLeaderElector(fx!.url, {
          key,
          intervalMs: INTERVAL,
          onElected: () => void log.push(`${name}+`),
          onDemoted: () => void log.push(`${name}-`),
        }),
      );
      await Promise.all(electors.map((e) => e.start()));
      const leaders = () => electors.filter((e) => e.isLeader());
      await within(BOUND_MS, () => leaders().length === 1, "one leader");
      await sleep(3 * INTERVAL);
      assert.equal(leaders().length, 1, "still exactly one after several retry rounds");
      assert.equal(log.length, 1);
      const first = leaders()[0];
      const holders = await lockHolders(key);
      assert.equal(holders.length, 1);
      // "Kill the leader's connection" from a third session.
      const admin = new pg.Client({ connectionString: fx!.url });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend($1)", [holders[0]]);
      await admin.end();
      const firstName = ["a", "b", "c"][electors.indexOf(first)];
      // Any elector may win the next round, the old leader included once it has reconnected; what
      // matters is that it stepped down and that exactly one leads again within the bound.
      const took = await within(
        BOUND_MS,
        () => log.includes(`${firstName}-`) && leaders().length === 1 && log.length >= 3,
        "step-down and a new election",
      );
      console.log(
        `takeover after pg_terminate_backend: ${took} ms (interval ${INTERVAL} ms); events ${log.join(" ")}`,
      );
      await sleep(3 * INTERVAL);
      assert.equal(leaders().length, 1, "still exactly one leader");
      assert.equal((await lockHolders(key)).length, 1);
      // A graceful stop hands over too.
      const second = leaders()[0];
      await second.stop();
      await within(BOUND_MS, () => leaders().length === 1 && leaders()[0] !== second, "takeover after stop");
      await Promise.all(electors.map((e) => e.stop()));
      assert.equal(leaders().length, 0);
      assert.deepEqual(await lockHolders(key), []);
    }),
);

function spawnReplica(key: number): { child: ChildProcess; lines: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ts = self.endsWith(".ts");
  const script = join(self, "..", ts ? "leader-child.ts" : "leader-child.js");
  const child = spawn(process.execPath, [...(ts ? ["--import", "tsx"] : []), script, fx!.url, String(key)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
  });
  return { child, lines };
}

test("PostgreSQL: two real processes; kill -9 the leader and the other takes over", { skip }, () =>
  withPostgresLogs(fx!, async () => {
    const key = 4343;
    const reps = [spawnReplica(key), spawnReplica(key)];
    try {
      await within(20_000, () => reps.every((r) => r.lines.includes("started")), "both replicas started");
      await within(
        BOUND_MS,
        () => reps.filter((r) => r.lines.includes("elected")).length === 1,
        "one leader",
      );
      await sleep(3 * INTERVAL);
      const leader = reps.find((r) => r.lines.includes("elected"))!;
      const follower = reps.find((r) => r !== leader)!;
      assert.equal(follower.lines.includes("elected"), false);
      leader.child.kill("SIGKILL");
      const took = await within(BOUND_MS, () => follower.lines.includes("elected"), "follower elected");
      console.log(`takeover after kill -9 of the leader process: ${took} ms`);
    } finally {
      for (const r of reps) r.child.kill("SIGKILL");
    }
  }),
);
