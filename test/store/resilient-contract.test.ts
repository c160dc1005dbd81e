// ResilientStore is a PredictionStore, so it passes the same contract suite as the stores it wraps:
// with the database up it must be indistinguishable from them (test/store/resilient.test.ts covers
// what it adds when the database goes away). Over SQLite (writer thread, as `millwright serve`
// runs it) and over a real PostgreSQL when one can be started.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after } from "node:test";
import { PostgresStore } from "../../src/store/postgres/store.js";
import { ResilientStore } from "../../src/store/resilient.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { postgresOrSkip } from "../helpers/postgres.js";
import { runStoreContract } from "./contract.js";

const dir = mkdtempSync(join(tmpdir(), "mw-resilient-contract-"));
const { pg: fx, skip } = await postgresOrSkip();
after(async () => {
  await fx?.dispose();
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;

runStoreContract("ResilientStore over SQLite", {
  fresh: async () => join(dir, `store-${++n}`, "predictions.db"),
  open: (path, opts) =>
    new ResilientStore(new SqliteStore({ path, pageSize: opts?.pageSize, writerThread: true }), {
      dir: join(dirname(path), "spool"),
      maxRecords: 1000,
    }),
});

runStoreContract("ResilientStore over PostgreSQL", {
  skip,
  fresh: () => fx!.createDatabase(),
  open: (url, opts) =>
    new ResilientStore(new PostgresStore({ url, pageSize: opts?.pageSize }), {
      // One spool per database, so reopening the same database finds its own spool.
      dir: join(dir, `spool-${createHash("sha256").update(url).digest("hex").slice(0, 12)}`),
      maxRecords: 1000,
    }),
});
