// The plan's tasks outlive the server (trial 9: tasks whose shift had passed unmarked vanished, and
// the carried tasks of the shift in progress lived in memory only): a real app on real SQLite files in
// one data directory, as `serve` keeps them, closed and opened again. A task of the shift in progress
// at the restart is carried and listed in the week as in progress; once its shift has passed, a third
// server, which never held that plan, lists it as not marked.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { openContractAudit } from "../../../src/serve/contract/audit-open.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { historyLogFile } from "../../../src/store/history/reader.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";
import { postReadingsUntil } from "../../helpers/plan-calls.js";

const TOKEN = "feedback-token-for-tests";
const HOUR = 3_600_000;
const shop = trainedShop("mw-splan-week-");
// As plan-carry.test.ts: persistence, and cheap tasks with no minimum interval, so the plan's first
// shifts hold several tasks.
shop.model.planCalibration = null;
const dataDir = join(shop.dir, "data");
mkdirSync(dataDir);
const technicians = join(shop.dir, "technicians.yaml");
copyFileSync("examples/contracts/historian-technicians.yaml", technicians);
const tasks = parseYaml(readFileSync("examples/contracts/historian.yaml", "utf8")).tasks;
tasks.planned_cost_per_hour = 1;
for (const h of Object.values(tasks.heads as Record<string, { task: Record<string, unknown> }>)) {
  h.task.parts_cost = 1;
  delete h.task.min_interval;
}
const costs = join(shop.dir, "costs.yaml");
writeFileSync(costs, stringifyYaml({ tasks }));
after(() => rmSync(shop.dir, { recursive: true, force: true }));

type Task = { id: string; status: string; shift: { start: string; end: string }; carried?: boolean };
type Plan = {
  tasks: Task[];
  stale: boolean;
  week: { tasks: { id: string; status: string; bookings: { id: string; status: string }[] }[] };
};

/** The server's stores on the data directory, as server.ts opens them: a restart is close, then this again. */
async function open(): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const contract = shop.model.contract.name;
  const log = new SqliteHistoryLog(historyLogFile(dataDir, contract));
  const audit = await openContractAudit({ dataDir }, contract);
  const service = await ContractService.open(shop.model, shop.registry.versionDir(shop.version), log);
  const app = await buildContractApp({
    service,
    tokens: { feedback: TOKEN },
    maxBatch: 20_000,
    technicians,
    costs,
    planOutcomes: audit ?? undefined,
  });
  return {
    app,
    close: async () => {
      await app.close();
      await log.close();
      await audit?.close();
    },
  };
}

/** GET /v1/plan until it is not stale (a background re-plan done). */
async function settled(app: FastifyInstance): Promise<Plan> {
  let p: Plan;
  for (let i = 0; ; i++) {
    const r = await app.inject({ method: "GET", url: "/v1/plan" });
    assert.equal(r.statusCode, 200, r.body);
    p = r.json();
    if (!p.stale || i >= 150) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(p.stale, false);
  return p;
}

test("a restart carries the shift in progress from the kept plan, and the week keeps a passed shift's tasks as not marked", async () => {
  const newest = new Map<string, number>();
  const first = await open();
  let inShift: Task[];
  try {
    const { events, readings } = shopExports(shop.model.contract);
    const e = await first.app.inject({
      method: "POST",
      url: "/v1/events",
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { events },
    });
    assert.equal(e.statusCode, 200, e.body);
    for (let i = 0; i < readings.length; i += 5000) {
      const r = await first.app.inject({
        method: "POST",
        url: "/v1/predict",
        payload: readings.slice(i, i + 5000),
      });
      assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    }
    for (const r of readings) newest.set(r.machine_id as string, Date.parse(`${r.timestamp as string}Z`));
    const p = await settled(first.app);
    const start = Math.min(...p.tasks.map((t) => Date.parse(t.shift.start)));
    inShift = p.tasks.filter((t) => Date.parse(t.shift.start) === start);
    assert.ok(inShift.length >= 1, "tasks in the plan's first shift");
    // Into that shift; the server stops before anything re-plans.
    await postReadingsUntil(first.app, newest, start + 2 * HOUR);
  } finally {
    await first.close();
  }
  const ids = (ts: { id: string }[]) => ts.map((t) => t.id).sort();
  const second = await open();
  try {
    const p = await settled(second.app);
    assert.deepEqual(ids(p.tasks.filter((t) => t.carried)), ids(inShift), "carried after the restart");
    for (const t of inShift)
      assert.equal(
        p.week.tasks.flatMap((w) => w.bookings).find((b) => b.id === t.id)?.status,
        "in_progress",
        t.id,
      );
    await postReadingsUntil(second.app, newest, Date.parse(inShift[0].shift.end));
  } finally {
    await second.close();
  }
  const third = await open();
  try {
    const p = await settled(third.app);
    for (const t of inShift) {
      assert.ok(!p.tasks.some((x) => x.id === t.id), `${t.id}: its shift is over`);
      assert.equal(
        p.week.tasks.flatMap((w) => w.bookings).find((b) => b.id === t.id)?.status,
        "not_marked",
        t.id,
      );
    }
  } finally {
    await third.close();
  }
});
