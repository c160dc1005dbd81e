// The database goes away: ResilientStore spools acknowledged records to fsync'd local files, reports
// degraded, replays them when the database returns (none lost, none duplicated), and refuses with
// MW_STORE_UNAVAILABLE when the spool is full. First with a switchable SQLite (fast, deterministic),
// then against a real PostgreSQL killed and stopped under concurrent load.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PostgresStore } from "../../src/store/postgres/store.js";
import { ResilientStore } from "../../src/store/resilient.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import type { PredictionRecord, PredictionStore } from "../../src/store/types.js";
import { isUnavailableError, writeRefusal } from "../../src/store/unavailable.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { collect, makeRecord, range } from "./records.js";

const dir = mkdtempSync(join(tmpdir(), "mw-resilient-"));
const { pg: fx, skip } = await postgresOrSkip();
after(async () => {
  await fx?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

/** A SQLite store whose "database" can be switched off: writes then fail like a refused connection. */
class Switchable extends SqliteStore {
  down = false;
  override logPredictions(rs: PredictionRecord[]): Promise<void> {
    return this.down ? Promise.reject(refused()) : super.logPredictions(rs);
  }
  override async healthy(): Promise<boolean> {
    return !this.down;
  }
}
const switchable = (path: string) => new Switchable({ path });

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

test("classifies connection errors as unavailable, data errors as not", () => {
  assert.equal(isUnavailableError(refused()), true);
  assert.equal(isUnavailableError(Object.assign(new Error("x"), { code: "57P01" })), true);
  assert.equal(isUnavailableError(Object.assign(new Error("x"), { code: "08006" })), true);
  assert.equal(isUnavailableError(new Error("Connection terminated unexpectedly")), true);
  assert.equal(isUnavailableError(Object.assign(new Error("x"), { code: "SQLITE_IOERR_WRITE" })), true);
  assert.equal(isUnavailableError(Object.assign(new Error("dup"), { code: "23505" })), false);
  assert.equal(isUnavailableError(Object.assign(new Error("bad"), { code: "SQLITE_CONSTRAINT" })), false);
  assert.equal(isUnavailableError("ECONNREFUSED"), false);
});

test("PostgreSQL refusing writes while up is a write problem with its SQLSTATE; other errors are not", () => {
  const pgError = (code: string) => Object.assign(new Error("no"), { code });
  const codes = (code: string) => writeRefusal(pgError(code), "log")?.code ?? null;
  assert.equal(codes("53100"), "MW_DISK_FULL");
  assert.equal(codes("53200"), "MW_STORE_UNAVAILABLE");
  assert.equal(codes("25006"), "MW_STORE_UNAVAILABLE");
  assert.match(
    writeRefusal(pgError("53100"), "log")?.reason ?? "",
    /^log refuses writes: SQLSTATE 53100 disk_full/,
  );
  for (const other of ["23505", "57P01", "08006", "ECONNREFUSED"]) assert.equal(codes(other), null, other);
  assert.equal(writeRefusal(null, "log"), null);
});

test("spools while down, replays on return, survives a restart of the process, refuses when full", async () => {
  const inner = switchable(join(dir, "a.db"));
  const spoolDir = join(dir, "spool-a");
  const events: string[] = [];
  const s = new ResilientStore(inner, {
    dir: spoolDir,
    maxRecords: 50,
    replayIntervalMs: 50,
    onEvent: (e) => events.push(e.type),
  });
  await s.init();
  await s.logPredictions([makeRecord(0)]);
  assert.equal(s.degraded(), false);
  inner.down = true;
  await Promise.all(range(40, 1).map((i) => s.logPredictions([makeRecord(i)])));
  assert.equal(s.degraded(), true);
  assert.equal(s.spoolSize(), 40);
  assert.equal(await inner.countPredictions(), 1);
  // 10 more fit, the 11th does not: a 503, never a silent drop.
  await s.logPredictions(range(10, 41).map((i) => makeRecord(i)));
  await assert.rejects(s.logPredictions([makeRecord(99)]), { code: "MW_STORE_UNAVAILABLE" });
  assert.equal(s.spoolSize(), 50);
  // The process dies; a new one finds the spool on disk and replays it once the database is back.
  await s.close();
  assert.ok(readdirSync(spoolDir).length > 0, "spool files survive the process");
  const inner2 = switchable(join(dir, "a.db"));
  inner2.down = true;
  const s2 = new ResilientStore(inner2, { dir: spoolDir, maxRecords: 50, replayIntervalMs: 50 });
  await s2.init();
  assert.equal(s2.spoolSize(), 50);
  assert.equal(s2.degraded(), true);
  inner2.down = false;
  await until(() => !s2.degraded(), 5000, "replay");
  assert.equal(s2.spoolSize(), 0);
  const ids = (await collect(inner2.queryPredictions({}))).map((p) => p.id);
  assert.deepEqual(
    ids,
    range(51).map((i) => makeRecord(i).id),
  );
  assert.deepEqual(readdirSync(spoolDir), []);
  assert.ok(events.includes("degraded"));
  // Back to normal: writes go straight to the database.
  await s2.logPredictions([makeRecord(60)]);
  assert.equal(s2.spoolSize(), 0);
  assert.equal(await inner2.countPredictions(), 52);
  await s2.close();
});

test("a torn last line (crash mid-append, never acknowledged) is skipped; the rest replays", async () => {
  const spoolDir = join(dir, "spool-torn");
  mkdirSync(spoolDir, { recursive: true });
  const lines = [makeRecord(1), makeRecord(2)].map((r) => JSON.stringify(r)).join("\n");
  writeFileSync(
    join(spoolDir, "spool-0000000007.jsonl"),
    `${lines}\n${JSON.stringify(makeRecord(3)).slice(0, 40)}`,
  );
  const inner = switchable(join(dir, "torn.db"));
  const s = new ResilientStore(inner, { dir: spoolDir, maxRecords: 10, replayIntervalMs: 20 });
  await s.init();
  await until(() => !s.degraded(), 5000, "replay");
  assert.deepEqual(
    (await collect(inner.queryPredictions({}))).map((p) => p.id),
    [makeRecord(1).id, makeRecord(2).id],
  );
  assert.deepEqual(readdirSync(spoolDir), []);
  await s.close();
});

test("feedback for a prediction still in the spool is not 'unknown' once the database is back", async () => {
  const inner = switchable(join(dir, "b.db"));
  const s = new ResilientStore(inner, {
    dir: join(dir, "spool-b"),
    maxRecords: 100,
    replayIntervalMs: 60_000,
  });
  await s.init();
  inner.down = true;
  await s.logPredictions([makeRecord(1)]);
  inner.down = false;
  assert.deepEqual(await s.addFeedback([{ predictionId: makeRecord(1).id, machineFailure: 1 }]), [
    "accepted",
  ]);
  assert.equal(s.degraded(), false);
  await s.close();
});

test("shadow scores are refused at once while degraded (never spooled), and kept again once back", async () => {
  const inner = switchable(join(dir, "shadow.db"));
  const s = new ResilientStore(inner, {
    dir: join(dir, "spool-shadow"),
    maxRecords: 100,
    replayIntervalMs: 60_000,
  });
  await s.init();
  const score = (i: number) => ({
    predictionId: makeRecord(i).id,
    modelVersion: "2.0.0",
    failureProbability: 0.5,
    championVersion: makeRecord(i).modelVersion,
    championProbability: makeRecord(i).failureProbability,
    scoredAt: 1,
  });
  inner.down = true;
  await s.logPredictions([makeRecord(1)]); // spooled: the store is degraded now
  assert.equal(s.degraded(), true);
  await assert.rejects(
    s.logShadow([score(1)]),
    (e: Error & { code?: string }) => e.code === "MW_STORE_UNAVAILABLE",
  );
  inner.down = false;
  await s.replayNow();
  assert.equal(s.degraded(), false);
  await s.logShadow([score(1)]);
  assert.deepEqual(await s.shadowScores(10), [score(1)]);
  await s.close();
});

/** Concurrent writers until stopped; returns the ids acknowledged and any rejections. */
function load(s: PredictionStore, workers: number) {
  const acked: string[] = [];
  const failed: unknown[] = [];
  let next = 0;
  let running = true;
  const loops = range(workers).map(async () => {
    while (running) {
      const r = makeRecord(next++);
      try {
        await s.logPredictions([r]);
        acked.push(r.id);
      } catch (e) {
        failed.push(e);
      }
      await sleep(1);
    }
  });
  return {
    acked,
    failed,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

for (const how of ["kill", "stop"] as const) {
  test(
    `PostgreSQL ${how === "kill" ? "killed (SIGKILL)" : "stopped"} under load: every acknowledged record lands exactly once`,
    { skip },
    () =>
      withPostgresLogs(fx!, async () => {
        const url = await fx!.createDatabase();
        const s = new ResilientStore(new PostgresStore({ url, connectTimeoutMs: 1000 }), {
          dir: join(dir, `spool-pg-${how}`),
          maxRecords: 100_000,
          replayIntervalMs: 100,
        });
        await s.init();
        const l = load(s, 16);
        await until(() => l.acked.length >= 200, 10_000, "load before the outage");
        await fx![how]();
        const ackedAtOutage = l.acked.length;
        await until(() => l.acked.length >= ackedAtOutage + 300, 15_000, "acks while the database is down");
        assert.equal(s.degraded(), true);
        assert.ok(s.spoolSize() > 0);
        await fx!.start();
        await until(() => !s.degraded(), 20_000, "replay after restart");
        await until(() => l.acked.length >= ackedAtOutage + 600, 10_000, "load after recovery");
        await l.stop();
        assert.deepEqual(l.failed, [], "no call failed while the spool had room");
        await s.close();
        const check = new PostgresStore({ url });
        const ids = (await collect(check.queryPredictions({}))).map((p) => p.id);
        await check.close();
        assert.equal(new Set(ids).size, ids.length, "no duplicates");
        const stored = new Set(ids);
        const missing = l.acked.filter((id) => !stored.has(id));
        assert.deepEqual(missing, [], "every acknowledged record is in the database");
        assert.equal(ids.length, l.acked.length);
      }),
  );
}
