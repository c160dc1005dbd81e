// kill -9 of a server under concurrent load (issue 7, "Faults"): every prediction that got a 200 is
// in the log afterwards, and none is there twice. SQLite and PostgreSQL. A second process is then
// started on the same data dir and log, to show the log survives the crash and takes writes again.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { trainedRegistry } from "../helpers/model.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { startServerProcess } from "../helpers/server-process.js";
import { checkLog, pgIdCounts, sigkill, sqliteIdCounts, startLoad, waitFor } from "./cluster-helpers.js";

/**
 * Loads a server with 16 concurrent clients (single readings and batches of 5), kills it -9 in the
 * middle, restarts it on the same data, sends a little more, and returns every acknowledged id.
 */
async function killUnderLoad(registryDir: string, env: Record<string, string>): Promise<string[]> {
  const srv = await startServerProcess(["serve", "--registry", registryDir], env);
  const singles = startLoad([srv.url], { workers: 10 });
  const batches = startLoad([srv.url], { workers: 6, batch: 5 });
  // Kill once enough are acknowledged (time-based waits flake on a shared, loaded machine).
  await waitFor(async () => singles.result.ok.length + batches.result.ok.length >= 400, 30_000, 20);
  sigkill(srv.child.pid);
  await srv.exited;
  const [r1, r2] = await Promise.all([singles.stop(), batches.stop()]);
  const ok = [...r1.ok, ...r2.ok];
  assert.ok(
    ok.length > 200,
    `only ${ok.length} predictions acknowledged before the kill; ${JSON.stringify([...r1.failures, ...r2.failures].slice(0, 3))}`,
  );
  // Requests in flight at the kill fail on the client; none may be acknowledged and lost.
  assert.ok(r1.failures.length + r2.failures.length > 0, "the kill happened under load");

  const again = await startServerProcess(["serve", "--registry", registryDir], env);
  try {
    const after = startLoad([again.url], { workers: 2 });
    await waitFor(async () => after.result.ok.length >= 20, 20_000, 20);
    const r3 = await after.stop();
    assert.deepEqual(r3.failures, [], "the restarted server answers");
    ok.push(...r3.ok);
  } finally {
    again.child.kill("SIGTERM");
    await again.exited;
  }
  return ok;
}

// One trained registry for both stores (training is the slow part of the setup).
const model = trainedRegistry({ machines: 8, days: 10 });
after(() => model.cleanup());

test("kill -9 under load, SQLite: every 200 is in the log exactly once", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mw-kill9-"));
  try {
    const ok = await killUnderLoad(model.registry.dir, {
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_RETRAIN_MODE: "off",
    });
    const counts = await sqliteIdCounts(join(dataDir, "predictions.db"));
    assert.deepEqual(checkLog(ok, counts), { missing: [], twice: [], answeredTwice: [] });
    console.log(`sqlite: ${ok.length} acknowledged, ${counts.size} logged`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("kill -9 under load, PostgreSQL: every 200 is in the log exactly once", async (t) => {
  const { pg: fx, skip } = await postgresOrSkip();
  if (!fx) {
    t.skip(skip || "no PostgreSQL");
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), "mw-kill9-pg-"));
  try {
    await withPostgresLogs(fx, async () => {
      const dbUrl = await fx.createDatabase();
      const ok = await killUnderLoad(model.registry.dir, {
        DATABASE_URL: dbUrl,
        MILLWRIGHT_DATA_DIR: dataDir,
        MILLWRIGHT_RETRAIN_MODE: "off",
      });
      const counts = await pgIdCounts(dbUrl);
      assert.deepEqual(checkLog(ok, counts), { missing: [], twice: [], answeredTwice: [] });
      console.log(`postgres: ${ok.length} acknowledged, ${counts.size} logged`);
    });
  } finally {
    await fx.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
