// A contract server in cluster mode (history log in a real PostgreSQL) while the database is away:
// predictions are refused (503 MW_STORE_UNAVAILABLE, no spool for contract models), so readiness
// says not ready with the same code, with no request needed to notice; and ready again by itself,
// answering, once PostgreSQL is back. PostgreSQL is stopped and started as in db-outage.test.ts.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { readConfig } from "../../../src/cli/config.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { jsonClient } from "../../helpers/http.js";
import { postgresOrSkip, withPostgresLogs } from "../../helpers/postgres.js";
import { rowLabelledShop, rowReading } from "../../helpers/row-labelled.js";

const { pg: fx, skip } = await postgresOrSkip();
let shop: { dir: string; registryDir: string };
let server: Awaited<ReturnType<typeof startContractServer>> | null = null;

before(async () => {
  if (skip) return;
  shop = rowLabelledShop("mw-cready-pg-");
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registryDir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
    MILLWRIGHT_RETRAIN_MODE: "off",
    MILLWRIGHT_MONITOR_INTERVAL_MS: "600000",
    MILLWRIGHT_HISTORY_FOLLOW_MS: "200",
    DATABASE_URL: await fx!.createDatabase(),
  });
  server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
});
after(async () => {
  await server?.close().catch(() => {});
  await fx?.dispose();
  if (shop) rmSync(shop.dir, { recursive: true, force: true });
});

const call = jsonClient(() => server!.url);

/** Polls readiness until it answers `status` (no other request meanwhile); the last answer. */
async function readyUntil(status: number, ms: number) {
  const t0 = Date.now();
  for (;;) {
    const r = await call("GET", "/v2/health/ready");
    if (r.status === status || Date.now() - t0 > ms) return { ...r, ms: Date.now() - t0 };
    await new Promise((res) => setTimeout(res, 50));
  }
}

test(
  "PostgreSQL away: not ready (MW_STORE_UNAVAILABLE) without a request, ready again by itself once back",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      try {
        assert.deepEqual(await call("GET", "/v2/health/ready"), { status: 200, body: { ready: true } });
        assert.equal((await call("POST", "/v1/predict", rowReading(0, 0))).status, 200);

        await fx!.stop();
        const down = await readyUntil(503, 10_000);
        assert.equal(down.status, 503, `still ready ${down.ms} ms after PostgreSQL stopped`);
        assert.equal(down.body.ready, false);
        assert.equal(down.body.problem.code, "MW_STORE_UNAVAILABLE");
        assert.match(down.body.problem.reason, /history log \(PostgreSQL\) unreachable/);
        const refused = await call("POST", "/v1/predict", rowReading(0, 1));
        assert.equal(refused.status, 503, JSON.stringify(refused.body));
        assert.equal(refused.body.code, "MW_STORE_UNAVAILABLE");
        // Still not ready: the probe asks the log's state, it does not reset it.
        assert.equal((await call("GET", "/v2/health/ready")).status, 503);

        await fx!.start();
        // Only probes from here: the replica's follow loop finds the database back.
        const up = await readyUntil(200, 10_000);
        assert.deepEqual(up.body, { ready: true }, `not ready ${up.ms} ms after PostgreSQL started`);
        const again = await call("POST", "/v1/predict", rowReading(0, 2));
        assert.equal(again.status, 200, JSON.stringify(again.body));
        console.log(`readiness: false ${down.ms} ms after the stop, true ${up.ms} ms after the start`);
      } finally {
        await fx!.start();
      }
    }),
);

/**
 * The whole PostgreSQL read-only (as a hot standby is after a failover) or not: ALTER SYSTEM and a
 * reload reach the server's open connections too, at their next transaction. The admin's own
 * session stays writable whatever the setting.
 */
async function readOnly(on: boolean): Promise<void> {
  const c = new pg.Client({ connectionString: fx!.url });
  await c.connect();
  try {
    await c.query("SET default_transaction_read_only = off");
    await c.query(`ALTER SYSTEM SET default_transaction_read_only = ${on ? "on" : "off"}`);
    await c.query("SELECT pg_reload_conf()");
  } finally {
    await c.end();
  }
}

test("PostgreSQL up but read-only (SQLSTATE 25006): predictions 503 and not ready with the code; ready again by itself once writable", {
  skip,
}, async () => {
  try {
    assert.equal((await call("POST", "/v1/predict", rowReading(1, 0))).status, 200);
    await readOnly(true);
    // pg_reload_conf() only signals the backends: the server's open connection takes the setting at
    // a command after its signal lands, which on a busy box can be after the next request (CI,
    // 2026-12-05: one 200). So readings may still be taken for a moment; within 5 s they are refused.
    let i = 1;
    let refused = await call("POST", "/v1/predict", rowReading(1, i));
    for (const t0 = Date.now(); refused.status === 200 && Date.now() - t0 < 5000; ) {
      await new Promise((r) => setTimeout(r, 50));
      refused = await call("POST", "/v1/predict", rowReading(1, ++i));
    }
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "MW_STORE_UNAVAILABLE");
    assert.match(refused.body.detail, /SQLSTATE 25006 read_only_sql_transaction/);
    // Not ready, and it stays so: the replica's follow reads on, and its write probe is refused.
    const down = await readyUntil(503, 5000);
    assert.equal(down.status, 503);
    assert.equal(down.body.problem.code, "MW_STORE_UNAVAILABLE");
    assert.match(down.body.problem.reason, /refuses writes: SQLSTATE 25006/);
    await new Promise((r) => setTimeout(r, 1000)); // five follows
    assert.equal((await call("GET", "/v2/health/ready")).status, 503, "still not ready while read-only");

    await readOnly(false);
    // Only probes from here: the follow's write probe goes through.
    const up = await readyUntil(200, 10_000);
    assert.deepEqual(up.body, { ready: true }, `not ready ${up.ms} ms after the database took writes again`);
    const again = await call("POST", "/v1/predict", rowReading(1, i));
    assert.equal(again.status, 200, JSON.stringify(again.body));
  } finally {
    await readOnly(false);
  }
});
