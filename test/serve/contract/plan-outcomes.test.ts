// Done and skipped tasks outlive the server (trial 2: a skipped task was forgotten on a restart and
// planned again as open). A real app on real SQLite files in one data directory, as `serve` keeps
// them (the history log and retrain-<contract>.db beside it), closed and opened again on the same
// directory; and a skip the store could not write is not acknowledged.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { getPlan, markTask, type PlanOutcome, type PlanTask } from "../../helpers/plan-calls.js";
import { MillwrightError } from "../../../src/core/errors.js";
import type { OutcomeStore } from "../../../src/plan/outcomes.js";
import { contractAuditFile, openContractAudit } from "../../../src/serve/contract/audit-open.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { historyLogFile } from "../../../src/store/history/reader.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { cheap } from "../../helpers/contract-plan.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";

const TOKEN = "feedback-token-for-tests";
const auth = { authorization: `Bearer ${TOKEN}` };
const shop = trainedShop("mw-splan-out-");
// As plan.test.ts: persistence plans tasks on this small shop (the calibrated forecast finds none
// worth its cost); cheap tasks, so the plan has more than one to mark.
shop.model.planCalibration = null;
const model = cheap(shop.model);
const dataDir = join(shop.dir, "data");
mkdirSync(dataDir);
const technicians = join(shop.dir, "technicians.yaml");
copyFileSync("examples/contracts/historian-technicians.yaml", technicians);
const contract = model.contract.name;
after(() => rmSync(shop.dir, { recursive: true, force: true }));

interface Server {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The server's stores on the data directory, as server.ts opens them: a restart is close, then this again. */
async function open(outcomes?: OutcomeStore): Promise<Server & { service: ContractService }> {
  const log = new SqliteHistoryLog(historyLogFile(dataDir, contract));
  const audit = await openContractAudit({ dataDir }, contract);
  const service = await ContractService.open(model, shop.registry.versionDir(shop.version), log);
  const app = await buildContractApp({
    service,
    tokens: { feedback: TOKEN },
    maxBatch: 20_000,
    technicians,
    planOutcomes: outcomes ?? audit ?? undefined,
  });
  return {
    app,
    service,
    close: async () => {
      await app.close();
      await log.close();
      await audit?.close();
    },
  };
}

const plan = getPlan;
const mark = (app: FastifyInstance, id: string, what: "done" | "skipped", payload: object = {}) =>
  markTask(app, auth, id, what, payload);

/** The shop's exports, posted once as a client would; the history log keeps them for every later open. */
before(async () => {
  const s = await open();
  try {
    const { events, readings } = shopExports(model.contract);
    const e = await s.app.inject({ method: "POST", url: "/v1/events", headers: auth, payload: { events } });
    assert.equal(e.statusCode, 200, e.body);
    for (let i = 0; i < readings.length; i += 5000) {
      const r = await s.app.inject({
        method: "POST",
        url: "/v1/predict",
        payload: readings.slice(i, i + 5000),
      });
      assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    }
  } finally {
    await s.close();
  }
});

test("a skip the store cannot write is not acknowledged: 503, and the task stays open", async () => {
  const down: OutcomeStore = {
    recordOutcome: async () => {
      throw new MillwrightError("MW_STORE_UNAVAILABLE", "retraining audit (PostgreSQL): connection refused");
    },
    listOutcomes: async () => [],
    replacePlanTasks: async () => {},
    listPlanTasks: async () => [],
  };
  const s = await open(down);
  try {
    const p = await plan(s.app);
    const open_ = p.tasks.find((t) => t.status === "planned");
    assert.ok(open_, "an open task");
    const r = await mark(s.app, open_.id, "skipped", { reason: "no parts" });
    assert.deepEqual([r.statusCode, r.json().code], [503, "MW_STORE_UNAVAILABLE"], r.body);
    const after = await plan(s.app);
    assert.equal(after.tasks.find((t) => t.id === open_.id)?.status, "planned");
    assert.deepEqual(after.outcomes, []);
  } finally {
    await s.close();
  }
});

test("a skipped task, and then done, survives each restart on the same data directory: listed, and not planned again as open", async () => {
  const first = await open();
  let skipped: PlanTask;
  let outcomes: PlanOutcome[];
  try {
    const p = await plan(first.app);
    skipped = p.tasks[0];
    assert.ok(skipped, "the plan has a task");
    const r = await mark(first.app, skipped.id, "skipped", { reason: "machine booked for a rush order" });
    assert.equal(r.statusCode, 200, r.body);
    outcomes = (await plan(first.app)).outcomes;
    assert.deepEqual(
      outcomes.map((o) => [o.id, o.status, o.reason]),
      [[skipped.id, "skipped", "machine booked for a rush order"]],
    );
  } finally {
    await first.close();
  }
  assert.ok(existsSync(contractAuditFile(dataDir, contract)), "kept in retrain-<contract>.db");

  const second = await open();
  try {
    const p = await plan(second.app);
    assert.deepEqual(p.outcomes, outcomes, "the same outcome, reason and time included");
    const again = p.tasks.find((t) => t.id === skipped.id);
    assert.ok(again, "the restarted server's plan holds the skipped task's shift");
    assert.equal(again.status, "skipped", "not planned again as open");
    assert.equal(again.skipped_reason, "machine booked for a rush order");
    // What was marked before the restart is still judged: skipped twice is a conflict, done after is not.
    const twice = await mark(second.app, skipped.id, "skipped", { reason: "again" });
    assert.deepEqual([twice.statusCode, twice.json().code], [409, "MW_CONFLICT"], twice.body);
    const done = await mark(second.app, skipped.id, "done");
    assert.equal(done.statusCode, 200, done.body);
    outcomes = (await plan(second.app)).outcomes;
  } finally {
    await second.close();
  }

  const third = await open();
  try {
    const p = await plan(third.app);
    assert.deepEqual(p.outcomes, outcomes);
    assert.deepEqual(
      p.outcomes.map((o) => [o.id, o.status, o.event_id]),
      [[skipped.id, "done", `plan-task:${skipped.id}`]],
    );
    const twice = await mark(third.app, skipped.id, "done");
    assert.deepEqual([twice.statusCode, twice.json().code], [409, "MW_CONFLICT"], twice.body);
  } finally {
    await third.close();
  }
});
