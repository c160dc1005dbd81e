// A pooled connection checked out when PostgreSQL goes away: the pool listens for errors only on
// idle clients, so the checked-out one emitted an unhandled 'error' and the process ended (a
// contract server in cluster mode, its follow loop in a transaction when the database stopped).
// Now the transaction fails, the process carries on, and the pool works once the server is back.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import pg from "pg";
import { inTransaction } from "../../src/store/postgres/transaction.js";
import { postgresOrSkip } from "../helpers/postgres.js";

const { pg: fx, skip } = await postgresOrSkip();
after(async () => fx?.dispose());

test("PostgreSQL stopped while a transaction holds a connection: the call fails, not the process", {
  skip,
}, async () => {
  const pool = new pg.Pool({ connectionString: fx!.url, max: 2 });
  pool.on("error", () => {});
  const uncaught: unknown[] = [];
  const note = (e: unknown) => uncaught.push(e);
  process.on("uncaughtException", note);
  try {
    let inside = () => {};
    const entered = new Promise<void>((r) => {
      inside = r;
    });
    // Between two queries when the server stops: no query is there to take the error.
    const tx = inTransaction(pool, async (c) => {
      inside();
      await new Promise((r) => setTimeout(r, 1500));
      await c.query("SELECT 1");
    });
    await entered;
    await fx!.stop();
    await assert.rejects(tx);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(uncaught, [], "no error escaped");
    await fx!.start();
    const { rows } = await pool.query<{ one: number }>("SELECT 1 AS one");
    assert.equal(rows[0].one, 1, "the pool connects again");
  } finally {
    process.off("uncaughtException", note);
    await pool.end();
  }
});
