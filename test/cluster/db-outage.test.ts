// The database goes away under load (issue 7, "Faults"): the API keeps answering, records go to the
// bounded local spool, /metrics shows the degraded state, and when PostgreSQL returns the spool is
// replayed: every acknowledged prediction in the log exactly once. With a tiny spool, once it is full
// the API answers 503 MW_STORE_UNAVAILABLE: refused, never acknowledged and lost.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { READING, trainedRegistry } from "../helpers/model.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { checkLog, metric, pgIdCounts, sleep, startLoad, waitFor } from "./cluster-helpers.js";

const DEGRADED = "millwright_store_degraded";
const SPOOLED = "millwright_store_spool_records";
const SPOOL_MAX = 50;

const degradedState = async (url: string) => ({
  degraded: await metric(url, DEGRADED),
  spooled: await metric(url, SPOOLED),
});

test("PostgreSQL stopped under load: 200s continue, spool, replay exactly once; full spool → 503", async (t) => {
  const { pg: fx, skip } = await postgresOrSkip();
  if (!fx) {
    t.skip(skip || "no PostgreSQL");
    return;
  }
  const model = trainedRegistry({ machines: 8, days: 10 });
  const dirs = [mkdtempSync(join(tmpdir(), "mw-outage-")), mkdtempSync(join(tmpdir(), "mw-outage-full-"))];
  const servers: ServerProcess[] = [];
  try {
    await withPostgresLogs(fx, async () => {
      const db1 = await fx.createDatabase();
      const db2 = await fx.createDatabase();
      const env = { MILLWRIGHT_RETRAIN_MODE: "off", MILLWRIGHT_MONITOR_INTERVAL_MS: "600000" };
      const s1 = await startServerProcess(["serve", "--registry", model.registry.dir], {
        ...env,
        DATABASE_URL: db1,
        MILLWRIGHT_DATA_DIR: dirs[0],
      });
      servers.push(s1);
      const s2 = await startServerProcess(["serve", "--registry", model.registry.dir], {
        ...env,
        DATABASE_URL: db2,
        MILLWRIGHT_DATA_DIR: dirs[1],
        MILLWRIGHT_SPOOL_MAX_RECORDS: String(SPOOL_MAX),
      });
      servers.push(s2);
      assert.deepEqual(await degradedState(s1.url), { degraded: 0, spooled: 0 });

      // 1. Stop PostgreSQL (fast shutdown) while 4 clients send predictions.
      const load = startLoad([s1.url], { workers: 4, pauseMs: 5 });
      await waitFor(async () => load.result.ok.length >= 100, 30_000);
      const before = load.result.ok.length;
      await fx.stop();
      const seenDegraded = await waitFor(async () => {
        const s = await degradedState(s1.url);
        return s.degraded === 1 && (s.spooled ?? 0) > 0;
      }, 5000);
      assert.ok(seenDegraded !== null, `never degraded: ${JSON.stringify(await degradedState(s1.url))}`);
      const ready = await fetch(`${s1.url}/v2/health/ready`);
      assert.equal(ready.status, 200, "a degraded replica keeps serving (the spool takes the writes)");
      await waitFor(async () => load.result.ok.length - before > 150, 30_000);
      const during = load.result.ok.length - before;
      assert.ok(during > 50, `only ${during} predictions answered while the database was down`);
      assert.deepEqual(load.result.failures, [], "no request failed while the database was down");

      // 2. Bring it back: the spool drains, the gauge returns to 0, no request failed throughout.
      await fx.start();
      const drained = await waitFor(async () => {
        const s = await degradedState(s1.url);
        return s.degraded === 0 && s.spooled === 0;
      }, 15_000);
      assert.ok(drained !== null, `spool never drained: ${JSON.stringify(await degradedState(s1.url))}`);
      await sleep(300);
      const r = await load.stop();
      assert.deepEqual(r.failures, []);
      const c = checkLog(r.ok, await pgIdCounts(db1));
      assert.deepEqual(c, { missing: [], twice: [], answeredTwice: [] });
      console.log(`outage: ${r.ok.length} acknowledged (${during} while down), replayed in ${drained} ms`);

      // 3. Tiny spool: once SPOOL_MAX records wait, predictions are refused with 503, not lost.
      const warm = startLoad([s2.url], { workers: 1 });
      await waitFor(async () => warm.result.ok.length >= 10, 30_000);
      await fx.kill();
      const full = await waitFor(
        async () => (warm.result.codes.get("MW_STORE_UNAVAILABLE") ?? 0) >= 5,
        10_000,
        50,
      );
      await sleep(1200); // the gauge is sampled once a second
      const spooledAtFull = await metric(s2.url, SPOOLED);
      const rf = await warm.stop();
      assert.ok(full !== null, `never refused: ${JSON.stringify([...rf.codes])}`);
      assert.deepEqual(
        [...rf.codes.keys()],
        ["MW_STORE_UNAVAILABLE"],
        "the only failure is the documented 503",
      );
      assert.ok(rf.failures.every((f) => f.what.startsWith("503 ")));
      assert.ok(
        spooledAtFull !== null && spooledAtFull > 0 && spooledAtFull <= SPOOL_MAX,
        `spooled ${spooledAtFull}`,
      );
      await fx.start();
      const drained2 = await waitFor(async () => (await metric(s2.url, SPOOLED)) === 0, 15_000);
      assert.ok(drained2 !== null, "the full spool drained after the database returned");
      const c2 = checkLog(rf.ok, await pgIdCounts(db2));
      assert.deepEqual(c2, { missing: [], twice: [], answeredTwice: [] });
      const again = await fetch(`${s2.url}/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(READING),
      });
      assert.equal(again.status, 200, "accepting again once the spool drained");
    });
  } finally {
    for (const s of servers)
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
    await Promise.all(servers.map((s) => s.exited));
    await fx.dispose();
    model.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
