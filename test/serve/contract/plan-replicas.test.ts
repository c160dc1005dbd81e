// Cluster mode's plan: every replica makes its own plan from the one history, and a load balancer
// sends a technician's "done" to whichever replica it likes. Two apps on one service here (two
// replicas whose histories are equal, as lock step keeps them): a task of the plan A made, marked
// done on B, which has made no plan yet, was 404 ("no task in any plan made"). And A, whose plan
// still listed the task, called it fresh (trial 4: for 8 minutes, until a model change): the mark
// reaches A only through the shared outcome store, so A's next GET must find it and re-plan.
import assert from "node:assert/strict";
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { SqliteAuditStore } from "../../../src/serve/contract/audit.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";

const FEEDBACK = "feedback-token-for-tests";
const shop = trainedShop("mw-splanrep-");
after(() => rmSync(shop.dir, { recursive: true, force: true }));

test("a task of the plan replica A made, marked done on replica B (no plan made there yet): done, not 404", async () => {
  const log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  // As plan.test.ts: persistence plans tasks on this small shop (the calibrated forecast finds none worth its cost).
  shop.model.planCalibration = null;
  const technicians = join(shop.dir, "technicians.yaml");
  copyFileSync("examples/contracts/historian-technicians.yaml", technicians);
  const service = await ContractService.open(shop.model, shop.registry.versionDir(shop.version), log);
  // One outcome store for both, as PostgreSQL's is in a cluster.
  const outcomes = new SqliteAuditStore(join(shop.dir, "audit.db"));
  const build = () =>
    buildContractApp({
      service,
      tokens: { feedback: FEEDBACK },
      maxBatch: 20_000,
      technicians,
      planOutcomes: outcomes,
    });
  const [a, b] = [await build(), await build()];
  try {
    const { events, readings } = shopExports(shop.model.contract);
    const auth = { authorization: `Bearer ${FEEDBACK}` };
    assert.equal(
      (await a.inject({ method: "POST", url: "/v1/events", headers: auth, payload: { events } })).statusCode,
      200,
    );
    for (let i = 0; i < readings.length; i += 5000)
      assert.equal(
        (await a.inject({ method: "POST", url: "/v1/predict", payload: readings.slice(i, i + 5000) }))
          .statusCode,
        200,
      );
    const plan = (await a.inject({ method: "GET", url: "/v1/plan" })).json();
    const task = plan.tasks[0] as { id: string; machine_id: string };
    assert.ok(task, "the plan has a task");
    const done = await b.inject({
      method: "POST",
      url: `/v1/plan/tasks/${encodeURIComponent(task.id)}/done`,
      headers: auth,
      payload: {},
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().event.outcome, "accepted");
    // A's plan still lists the task B marked: A's next GET says it is stale, and the re-plan it
    // starts no longer has the task open.
    const seen = (await a.inject({ method: "GET", url: "/v1/plan" })).json();
    assert.equal(seen.stale, true, JSON.stringify({ stale: seen.stale, reason: seen.stale_reason }));
    assert.equal(seen.stale_reason, `task ${task.id} was done`);
    let fresh = seen;
    for (let i = 0; i < 100 && fresh.stale; i++) {
      await new Promise((r) => setTimeout(r, 100));
      fresh = (await a.inject({ method: "GET", url: "/v1/plan" })).json();
    }
    assert.equal(fresh.stale, false, "re-planned");
    assert.ok(
      !fresh.tasks.some((t: { id: string; status?: string }) => t.id === task.id && t.status !== "done"),
      "the done task is not open in A's new plan",
    );
    // Fresh stays fresh: the outcome is known to the new plan, so it does not stale it again.
    assert.equal((await a.inject({ method: "GET", url: "/v1/plan" })).json().stale, false);
    // A typo is still a 404 once B has a plan (no re-plan per unknown id).
    const typo = await b.inject({
      method: "POST",
      url: "/v1/plan/tasks/nope/done",
      headers: auth,
      payload: {},
    });
    assert.deepEqual([typo.statusCode, typo.json().code], [404, "MW_NOT_FOUND"]);
  } finally {
    await a.close();
    await b.close();
    await log.close();
    outcomes.close();
  }
});
