// The history-log contract against a real PostgreSQL 15 (one fresh database per log location),
// plus: replicas creating the table at once, and contracts kept apart in one database.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import pg from "pg";
import { PostgresHistoryLog } from "../../src/store/history/postgres.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { label, reading, runHistoryLogContract } from "./history-contract.js";

const { pg: fx, skip } = await postgresOrSkip();
after(async () => {
  await fx?.dispose();
});

runHistoryLogContract("PostgreSQL", {
  skip,
  fresh: () => fx!.createDatabase(),
  open: (url, labelled) => new PostgresHistoryLog({ url, contract: "traumware-cnc", labelled }),
});

test("PostgreSQL: five replicas creating the log at once all succeed; contracts keep apart", { skip }, () =>
  withPostgresLogs(fx!, async () => {
    const url = await fx!.createDatabase();
    const logs = Array.from({ length: 5 }, (_, i) => new PostgresHistoryLog({ url, contract: `c${i % 2}` }));
    try {
      await Promise.all(logs.map((l) => l.init()));
      await logs[0].appendReadings([reading(1)]);
      await logs[1].appendReadings([reading(2), reading(3)]);
      assert.equal((await logs[2].entriesAfter(0)).length, 1, "contract c0 sees only its own");
      assert.equal((await logs[3].entriesAfter(0)).length, 2, "contract c1 sees only its own");
    } finally {
      await Promise.all(logs.map((l) => l.close()));
    }
  }),
);

test(
  "PostgreSQL: a layout-1 database (before labels) is brought to layout 4 on init, rows kept",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const url = await fx!.createDatabase();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`
        CREATE TABLE history_meta (key text PRIMARY KEY, value text NOT NULL);
        INSERT INTO history_meta VALUES ('layout', '1');
        CREATE TABLE history_log (
          seq bigserial PRIMARY KEY, contract text NOT NULL,
          type text NOT NULL CHECK (type IN ('reading', 'event')),
          id text COLLATE "C" NOT NULL, machine text NOT NULL, t double precision NOT NULL, body text NOT NULL
        );
        CREATE UNIQUE INDEX history_log_event_id ON history_log (contract, id) WHERE type = 'event';
        CREATE INDEX history_log_contract_seq ON history_log (contract, seq);`);
        for (const i of [0, 1])
          await c.query(
            "INSERT INTO history_log (contract, type, id, machine, t, body) VALUES ('c', 'reading', $1, $2, $3, $4)",
            [reading(i).id, reading(i).machine, reading(i).time, JSON.stringify(reading(i))],
          );
        const log = new PostgresHistoryLog({ url, contract: "c", labelled: true });
        try {
          await log.init();
          assert.deepEqual(await log.appendLabels([label(1, 1), label(5, 0)]), ["accepted", "unknown"]);
          assert.deepEqual(
            (await log.entriesAfter(0)).map((e) => `${e.seq}:${e.type}`),
            ["1:reading", "2:reading", "3:label"],
          );
        } finally {
          await log.close();
        }
        const meta = await c.query("SELECT value FROM history_meta WHERE key = 'layout'");
        assert.equal(meta.rows[0].value, "4");
        const idx = await c.query("SELECT indexname FROM pg_indexes WHERE tablename = 'history_log'");
        const names = idx.rows.map((r) => r.indexname as string);
        assert.ok(
          names.includes("history_log_reading_id") && names.includes("history_log_label_id"),
          names.join(),
        );
        await c.query("UPDATE history_meta SET value = '5'");
        const newer = new PostgresHistoryLog({ url, contract: "c" });
        await assert.rejects(newer.init(), /layout 5 in the database, this Millwright reads 4/);
        await newer.close();
      } finally {
        await c.end();
      }
    }),
);

test(
  "PostgreSQL: a layout-3 database (a row per reading) is brought to 4: rows, seqs and labels kept, groups packed",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const url = await fx!.createDatabase();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        // As the layout-3 code created it (postgres-schema.ts before layout 4), labelled.
        await c.query(`
        CREATE TABLE history_meta (key text PRIMARY KEY, value text NOT NULL);
        INSERT INTO history_meta VALUES ('layout', '3');
        CREATE TABLE history_log (
          seq bigserial PRIMARY KEY, contract text NOT NULL,
          type text NOT NULL CONSTRAINT history_log_type_check CHECK (type IN ('reading', 'event', 'label', 'machine')),
          id text COLLATE "C" NOT NULL, machine text NOT NULL, t double precision NOT NULL, body text NOT NULL
        );
        CREATE UNIQUE INDEX history_log_event_id ON history_log (contract, id) WHERE type = 'event';
        CREATE INDEX history_log_contract_seq ON history_log (contract, seq);
        CREATE UNIQUE INDEX history_log_label_id ON history_log (contract, id) WHERE type = 'label';
        CREATE INDEX history_log_reading_id ON history_log (contract, id) WHERE type = 'reading';`);
        for (const i of [0, 1, 2])
          await c.query(
            "INSERT INTO history_log (contract, type, id, machine, t, body) VALUES ('c', 'reading', $1, $2, $3, $4)",
            [reading(i).id, reading(i).machine, reading(i).time, JSON.stringify(reading(i))],
          );
        const l = { ...label(0, 1), machine: reading(0).machine, time: reading(0).time };
        await c.query(
          "INSERT INTO history_log (contract, type, id, machine, t, body) VALUES ('c', 'label', $1, $2, $3, $4)",
          [l.id, l.machine, l.time, JSON.stringify(l)],
        );
        const log = new PostgresHistoryLog({ url, contract: "c", labelled: true });
        try {
          await log.init();
          assert.deepStrictEqual((await log.entriesAfter(0))[2], {
            seq: 3,
            type: "reading",
            reading: reading(2),
          });
          const seqs = await log.appendReadings(Array.from({ length: 50 }, (_, i) => reading(10 + i)));
          assert.deepEqual(
            seqs,
            Array.from({ length: 50 }, (_, i) => 5 + i),
          );
          assert.deepEqual(await log.appendLabels([label(0, 1), label(1, 0), label(59, 1), label(60, 0)]), [
            "duplicate",
            "accepted",
            "accepted",
            "unknown",
          ]);
          assert.deepEqual(
            (await log.entriesAfter(0, 6)).map((e) => `${e.seq}:${e.type}`),
            ["1:reading", "2:reading", "3:reading", "4:label", "5:reading", "6:reading"],
          );
          assert.equal((await log.entriesAfter(0)).length, 4 + 50 + 2);
        } finally {
          await log.close();
        }
        const meta = await c.query("SELECT value FROM history_meta WHERE key = 'layout'");
        assert.equal(meta.rows[0].value, "4");
        const rows = await c.query("SELECT type, n FROM history_log WHERE seq > 4 ORDER BY seq");
        assert.deepEqual(
          rows.rows.map((r) => `${r.type}:${r.n}`),
          ["readings:50", "label:1", "label:1"],
          "the group is one row",
        );
      } finally {
        await c.end();
      }
    }),
);
