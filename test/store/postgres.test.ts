// The store contract against a real PostgreSQL 15 started by the fixture (one fresh database per
// store), plus PostgreSQL-only properties: migrations recorded once, replicas migrating together.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import pg from "pg";
import { POSTGRES_MIGRATIONS } from "../../src/store/postgres/schema.js";
import { PostgresStore } from "../../src/store/postgres/store.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { runStoreContract } from "./contract.js";
import { makeRecord, range } from "./records.js";

const { pg: fx, skip } = await postgresOrSkip();
after(async () => {
  await fx?.dispose();
});

runStoreContract("PostgreSQL", {
  skip,
  fresh: () => fx!.createDatabase(),
  open: (url, opts) => new PostgresStore({ url, pageSize: opts?.pageSize }),
});

test("PostgreSQL: five replicas migrating at once apply each migration exactly once", { skip }, () =>
  withPostgresLogs(fx!, async () => {
    const url = await fx!.createDatabase();
    const stores = range(5).map(() => new PostgresStore({ url, poolSize: 2 }));
    await Promise.all(stores.map((s) => s.init()));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query<{ version: number }>(
      "SELECT version FROM schema_migrations ORDER BY version",
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      range(POSTGRES_MIGRATIONS.length, 1),
    );
    // Every replica writes into the one log.
    await Promise.all(stores.map((s, i) => s.logPredictions([makeRecord(i)])));
    assert.equal(Number((await c.query("SELECT count(*) AS n FROM predictions")).rows[0].n), 5);
    await c.end();
    await Promise.all(stores.map((s) => s.close()));
  }),
);

test("PostgreSQL: one flush is one INSERT statement, however many callers", { skip }, () =>
  withPostgresLogs(fx!, async () => {
    const url = await fx!.createDatabase();
    const dbName = new URL(url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: fx!.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${dbName} SET log_statement = 'mod'`);
    await admin.end();
    const s = new PostgresStore({ url });
    await s.init();
    const countInserts = () => fx!.logs().split("INSERT INTO predictions").length - 1;
    const before = countInserts();
    await Promise.all(range(200).map((i) => s.logPredictions([makeRecord(i), makeRecord(i + 1000)])));
    const st = s.stats();
    assert.equal(st.records, 400);
    assert.ok(st.flushes <= 20, `expected few flushes, got ${st.flushes}`);
    assert.equal(countInserts() - before, st.flushes, "one INSERT per flush in the server's statement log");
    assert.equal(await s.countPredictions(), 400);
    await s.close();
  }),
);
