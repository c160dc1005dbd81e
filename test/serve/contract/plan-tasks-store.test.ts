// The plan's kept tasks in both audit stores (plan/outcomes.ts replacePlanTasks): a new plan drops the
// kept tasks to come unless marked, keeps those whose shift began, overwrites by id and forgets what is
// older than the window. The SQLite file of one server and the PostgreSQL of a cluster, the same cases.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { ContractPlannedTask } from "../../../src/plan/contract-report.js";
import type { OutcomeStore } from "../../../src/plan/outcomes.js";
import { SqliteAuditStore } from "../../../src/serve/contract/audit.js";
import { PostgresAuditStore } from "../../../src/serve/contract/audit-postgres.js";
import { postgresOrSkip, withPostgresLogs } from "../../helpers/postgres.js";

const H = 3_600_000;
const T0 = Date.parse("2026-02-16T06:00:00Z");

const task = (id: string, shift: number, avoided = 10): ContractPlannedTask =>
  ({
    id,
    machine_id: id.split(".")[0],
    task: "pump_swap",
    head: "pump",
    shift: {
      index: shift,
      start: new Date(T0 + shift * 8 * H).toISOString(),
      end: new Date(T0 + (shift + 1) * 8 * H).toISOString(),
      label: `s${shift}`,
    },
    hours: 1,
    avoided_cost: avoided,
    planned_cost: 5,
    status: "planned",
  }) as ContractPlannedTask;

async function cases(store: OutcomeStore): Promise<void> {
  const ids = async (since = 0) => (await store.listPlanTasks(since)).map((t) => t.id);
  await store.replacePlanTasks(T0, [task("M1.a", 0), task("M2.a", 1), task("M3.a", 2), task("M4.a", 3)], 0);
  assert.deepEqual(await ids(), ["M1.a", "M2.a", "M3.a", "M4.a"]);
  // M3's is skipped ahead of its shift; a plan made 10 h in (during shift 1) replaces the tasks to come.
  await store.recordOutcome(
    { id: "M3.a", machine_id: "M3", task: "pump_swap", shift: "s2", status: "skipped", at: "x", reason: "r" },
    Date.now(),
  );
  await store.replacePlanTasks(T0 + 10 * H, [task("M2.a", 1, 99), task("M5.a", 2)], 0);
  const kept = await store.listPlanTasks(0);
  assert.deepEqual(
    kept.map((t) => t.id),
    ["M1.a", "M2.a", "M3.a", "M5.a"],
    "began before: kept; to come: replaced, unless marked",
  );
  assert.equal(kept[1].avoided_cost, 99, "written over by id");
  assert.deepEqual(await ids(T0 + 8 * H), ["M2.a", "M3.a", "M5.a"], "listed from a shift start on");
  // A week on: what began before the window is forgotten.
  await store.replacePlanTasks(T0 + 7 * 24 * H, [], T0 + 8 * H);
  assert.deepEqual(await ids(), ["M2.a", "M3.a", "M5.a"]);
}

test("SQLite (one server's data directory)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-ptasks-"));
  const store = new SqliteAuditStore(join(dir, "retrain.db"));
  try {
    await cases(store);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const { pg: fx, skip } = await postgresOrSkip();
after(async () => {
  await fx?.dispose();
});

test("PostgreSQL (a cluster's shared audit)", { skip }, () =>
  withPostgresLogs(fx!, async () => {
    const url = await fx!.createDatabase();
    const store = new PostgresAuditStore(url, "shop");
    await store.init();
    try {
      await cases(store);
      // Another contract's plan in the same database is its own.
      const other = new PostgresAuditStore(url, "other");
      await other.init();
      assert.deepEqual(await other.listPlanTasks(0), []);
      await other.close();
    } finally {
      await store.close();
    }
  }),
);
