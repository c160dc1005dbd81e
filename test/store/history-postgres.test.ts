// The history-log contract against a real PostgreSQL 15 (one fresh database per log location),
// plus: replicas creating the table at once, and contracts kept apart in one database.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { PostgresHistoryLog } from "../../src/store/history/postgres.js";
import { postgresOrSkip, withPostgresLogs } from "../helpers/postgres.js";
import { reading, runHistoryLogContract } from "./history-contract.js";

const { pg: fx, skip } = await postgresOrSkip();
after(async () => {
  await fx?.dispose();
});

runHistoryLogContract("PostgreSQL", {
  skip,
  fresh: () => fx!.createDatabase(),
  open: (url) => new PostgresHistoryLog({ url, contract: "traumware-cnc" }),
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
