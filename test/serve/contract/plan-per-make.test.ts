// The contract server plans each machine by its own task (a head's `for:` override, matched on the
// attributes of the server's machine table), and a task marked done writes that task's event. To
// tell the two apart, each head's own task names another part's event (a CMMS that filed it under
// the wrong component) and an override for every machine with an age names the right one.
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { TaskSpec } from "../../../src/contract/types.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import type { HistoryModel } from "../../../src/train/history-model.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";

const TOKEN = "feedback-token-for-tests";
let app: FastifyInstance;
let log: SqliteHistoryLog;
let model: HistoryModel;

before(async () => {
  const shop = trainedShop("mw-splan-make-");
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  model = shop.model;
  model.planCalibration = null; // as plan.test.ts: persistence plans a task on this seeded fleet
  const heads = model.contract.tasks!.heads.filter((h) => h.task);
  for (const [i, h] of heads.entries()) {
    const own = h.task as TaskSpec;
    const other = heads[(i + 1) % heads.length].head;
    h.task = { ...own, event: { table: "maintenance", kind: other } };
    h.for = [
      {
        match: [{ attribute: "age", values: null, min: 0, max: null }],
        machines: [],
        label: "age ≥ 0",
        failure: h.failure,
        task: { ...own, words: `${own.words} (per make)` },
      },
    ];
  }
  const technicians = join(shop.dir, "technicians.yaml");
  copyFileSync("examples/contracts/historian-technicians.yaml", technicians);
  app = await buildContractApp({
    service: await ContractService.open(model, shop.registry.versionDir(shop.version), log),
    tokens: { feedback: TOKEN },
    maxBatch: 20_000,
    technicians,
    uploadedTechnicians: join(shop.dir, "uploaded-technicians.yaml"),
  });
  const { events, readings } = shopExports(model.contract);
  const auth = { authorization: `Bearer ${TOKEN}` };
  assert.equal(
    (await app.inject({ method: "POST", url: "/v1/events", headers: auth, payload: { events } })).statusCode,
    200,
  );
  for (let i = 0; i < readings.length; i += 5000)
    assert.equal(
      (await app.inject({ method: "POST", url: "/v1/predict", payload: readings.slice(i, i + 5000) }))
        .statusCode,
      200,
    );
});

after(async () => {
  await app.close();
  await log.close();
});

test("the served plan's rows are the machines' own tasks, and done writes the own task's event", async () => {
  const p = (await app.inject({ method: "GET", url: "/v1/plan" })).json();
  assert.ok(p.tasks.length >= 1, JSON.stringify(p.unplanned_risks.slice(0, 2)));
  for (const t of p.tasks) assert.match(t.task_words, / \(per make\)$/, t.id);
  const t = p.tasks[0];
  const done = await app.inject({
    method: "POST",
    url: `/v1/plan/tasks/${encodeURIComponent(t.id)}/done`,
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: {},
  });
  assert.equal(done.statusCode, 200, done.body);
  assert.deepEqual([done.json().event.table, done.json().event.kind], ["maintenance", t.head]);
});
