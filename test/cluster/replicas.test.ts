// Two real server processes against one PostgreSQL and one registry (issue 7, "Several replicas, one
// monitor"): one log for both, exactly one leader running the monitor, a follower that takes over
// when the leader is killed -9, and a promotion that every replica follows without failing a request.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import pg from "pg";
import { trainAndRegister } from "../../src/registry/training.js";
import { trainedRegistry } from "../helpers/model.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import {
  ADMIN_TOKEN,
  checkLog,
  FEEDBACK_TOKEN,
  metric,
  pgIdCounts,
  sigkill,
  sleep,
  startLoad,
  waitFor,
} from "./cluster-helpers.js";

const MONITOR_MS = 1000;
const REFRESH_MS = 500;
/** src/store/leader.ts: followers retry the advisory lock every 2 s (the elector's default). */
const LEADER_RETRY_MS = 2000;
const LAST_RUN = "millwright_monitor_last_run_timestamp_seconds";

test("two replicas, one PostgreSQL: one log, one leader, takeover after kill -9, promotion followed", async (t) => {
  const { pg: fx, skip } = await postgresOrSkip();
  if (!fx) {
    t.skip(skip || "no PostgreSQL");
    return;
  }
  const model = trainedRegistry({ machines: 8, days: 10 });
  const v1 = model.version;
  // A second version for the promotion; registering it leaves the champion alias on v1.
  const v2 = trainAndRegister(
    model.registry,
    { rows: model.rows, data: { file: model.dataFile, sha256: "test" } },
    { seed: 2, params: { nEstimators: 30 } },
  ).version;
  const dirs = [mkdtempSync(join(tmpdir(), "mw-rep-a-")), mkdtempSync(join(tmpdir(), "mw-rep-b-"))];
  const servers: ServerProcess[] = [];
  try {
    await withPostgresLogs(fx, async () => {
      const dbUrl = await fx.createDatabase();
      const env = (dataDir: string) => ({
        DATABASE_URL: dbUrl,
        MILLWRIGHT_DATA_DIR: dataDir,
        MILLWRIGHT_MONITOR_INTERVAL_MS: String(MONITOR_MS),
        MILLWRIGHT_MODEL_REFRESH_MS: String(REFRESH_MS),
        MILLWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN,
        MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK_TOKEN,
        MILLWRIGHT_RETRAIN_MODE: "off",
        LOG_LEVEL: "info",
      });
      // Started one after the other, so A holds the lock when B arrives (start() awaits the first try).
      const a = await startServerProcess(["serve", "--registry", model.registry.dir], env(dirs[0]));
      servers.push(a);
      const b = await startServerProcess(["serve", "--registry", model.registry.dir], env(dirs[1]));
      servers.push(b);
      const urls = [a.url, b.url];
      const diag = () => `--- A ---\n${a.output().slice(-3000)}\n--- B ---\n${b.output().slice(-3000)}`;

      // 1. Predictions and feedback sent to both land in one log.
      const load1 = startLoad(urls, { workers: 4, pauseMs: 5 });
      const perReplica = (l: typeof load1, n: number) => async () =>
        urls.every((u) => (l.result.versions.get(u)?.length ?? 0) >= n);
      await waitFor(perReplica(load1, 25), 30_000);
      const r1 = await load1.stop();
      assert.deepEqual(r1.failures, [], diag());
      for (const u of urls) assert.ok((r1.versions.get(u)?.length ?? 0) > 20, `too few answers from ${u}`);
      const labelled = r1.ok.slice(0, 40);
      for (let i = 0; i < labelled.length; i++) {
        const r = await fetch(`${urls[i % 2]}/v1/feedback`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${FEEDBACK_TOKEN}` },
          body: JSON.stringify({ prediction_id: labelled[i], machine_failure: i % 3 === 0 ? 1 : 0 }),
        });
        assert.equal(r.status, 200, await r.text());
      }
      const c1 = checkLog(r1.ok, await pgIdCounts(dbUrl));
      assert.deepEqual(c1, { missing: [], twice: [], answeredTwice: [] });
      const db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ prediction_id: string }>("SELECT prediction_id FROM feedback");
        assert.deepEqual(rows.map((r) => r.prediction_id).sort(), [...labelled].sort());
      } finally {
        await db.end();
      }

      // 2. Exactly one leader: A's monitor runs, B's never does.
      const aRan = await waitFor(async () => ((await metric(a.url, LAST_RUN)) ?? 0) > 0, 10_000);
      assert.ok(aRan !== null, `the leader's monitor never ran\n${diag()}`);
      await sleep(2 * MONITOR_MS);
      assert.equal((await metric(b.url, LAST_RUN)) ?? 0, 0, `the follower ran the monitor\n${diag()}`);
      assert.match(a.output(), /elected leader/);
      assert.doesNotMatch(b.output(), /elected leader/);

      // 3. Promotion under load: both replicas serve v2 within a bound, no request fails.
      const load2 = startLoad(urls, { workers: 4, pauseMs: 5 });
      await waitFor(perReplica(load2, 10), 30_000);
      const promotedAt = Date.now();
      const pr = await fetch(`${b.url}/v1/models/${v2}/promote`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ alias: "champion" }),
      });
      assert.equal(pr.status, 200, await pr.text());
      const bound = 3 * REFRESH_MS + 1000;
      const bothOnV2 = await waitFor(
        async () => urls.every((u) => load2.result.versions.get(u)?.at(-1)?.version === v2),
        bound + 5000,
        50,
      );
      await sleep(500);
      const r2 = await load2.stop();
      assert.deepEqual(r2.failures, [], `a request failed during the swap\n${diag()}`);
      assert.ok(
        bothOnV2 !== null && bothOnV2 <= bound,
        `replicas on ${v2} after ${bothOnV2} ms (bound ${bound})`,
      );
      for (const u of urls) {
        const seen = r2.versions.get(u) ?? [];
        assert.equal(seen[0]?.version, v1, `${u} served ${v1} before the promotion`);
        const late = seen.filter((s) => s.at > promotedAt + bound && s.version !== v2);
        assert.deepEqual(late, [], `${u} still served the old version after the bound`);
      }

      // 4. kill -9 the leader under load: B takes over within three retry periods (plus a run).
      const load3 = startLoad([b.url], { workers: 2, pauseMs: 5 });
      await waitFor(async () => load3.result.ok.length >= 10, 30_000);
      const killedAt = Date.now();
      sigkill(a.child.pid);
      await a.exited;
      const tookOver = await waitFor(async () => ((await metric(b.url, LAST_RUN)) ?? 0) > 0, 15_000, 50);
      const took = tookOver === null ? null : Date.now() - killedAt;
      await sleep(300);
      const r3 = await load3.stop();
      const takeoverBound = 3 * LEADER_RETRY_MS + MONITOR_MS;
      assert.ok(
        took !== null && took <= takeoverBound,
        `takeover after ${took} ms (bound ${takeoverBound})\n${diag()}`,
      );
      console.log(`takeover ${took} ms after kill -9; all replicas on ${v2} ${bothOnV2} ms after promote`);
      assert.match(b.output(), /elected leader/);
      assert.deepEqual(r3.failures, [], "the surviving replica kept answering");
      const all = [...r1.ok, ...r2.ok, ...r3.ok];
      assert.deepEqual(checkLog(all, await pgIdCounts(dbUrl)), { missing: [], twice: [], answeredTwice: [] });
    });
  } finally {
    for (const s of servers)
      if (s.child.exitCode === null && s.child.signalCode === null) sigkill(s.child.pid);
    await Promise.all(servers.map((s) => s.exited));
    await fx.dispose();
    model.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
