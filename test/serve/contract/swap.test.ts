// A swap under traffic: readings and events keep arriving while an admin promotes another version.
// Every request is answered (none dropped or failed by the swap), and the new model's history is
// exactly the log replayed: the next reading of every machine scores the same on the live server as
// on a service rebuilt from the log file afterwards.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { toColumns } from "../../../src/pipeline/readings.js";
import type { ModelRegistry } from "../../../src/registry/registry.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractModels } from "../../../src/serve/contract/routes-models.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { at, hourlyReading, machineIds, serveTwoVersions } from "../../helpers/contract-served.js";

const ADMIN = "admin-token-for-swap";
let app: FastifyInstance;
let log: SqliteHistoryLog;
let registry: ModelRegistry;
let dir: string;
let v1: string;
let v2: string;
let service: ContractService;

before(async () => {
  const served = await serveTwoVersions("mw-swap-");
  ({ dir, registry, v1, v2, log, service } = served);
  const models = new ContractModels(registry, service);
  app = await buildContractApp({ ...served.appOptions, tokens: { admin: ADMIN, feedback: "f" }, models });
});

after(async () => {
  await app.close();
  await log.close();
});

const machines = machineIds(12);
const reading = (m: string, h: number) => hourlyReading(m, h);

test("promotions under traffic drop no request, and the served history is the log replayed", async () => {
  // Twelve clients, one machine each, 40 hourly readings in order (an alarm every 10th hour), while
  // the admin promotes v2 and v1 in turn, 15 times (ending on v2).
  const clients = machines.map(async (m) => {
    for (let h = 0; h < 40; h++) {
      const r = await app.inject({ method: "POST", url: "/v1/predict", payload: reading(m, h) });
      assert.equal(r.statusCode, 200, r.body);
      if (h % 10 === 9) {
        const e = await app.inject({
          method: "POST",
          url: "/v1/events",
          headers: { authorization: "Bearer f" },
          payload: {
            events: [{ id: `${m}-${h}`, table: "alarms", machine_id: m, timestamp: at(h), kind: "A1" }],
          },
        });
        assert.equal(e.statusCode, 200, e.body);
      }
    }
  });
  const swaps = (async () => {
    for (let i = 0; i < 15; i++) {
      const v = i % 2 === 0 ? v2 : v1;
      await new Promise((r) => setTimeout(r, 3));
      const p = await app.inject({
        method: "POST",
        url: `/v1/models/${v}/promote`,
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      assert.equal(p.statusCode, 200, p.body);
    }
  })();
  await Promise.all([...clients, swaps]);
  assert.equal((await app.inject({ url: "/v1/model" })).json().version, v2);

  // A service rebuilt from the log file alone, under v2: the same next-reading scores, bit for bit.
  const other = new SqliteHistoryLog(join(dir, "h.db"));
  try {
    const fresh = await ContractService.open(registry.historyModel(v2), registry.versionDir(v2), other);
    const next = machines.map((m) => reading(m, 40));
    const expected = fresh.fleet.score(toColumns(fresh.model.contract, next, false)).heads.machine_failure;
    const r = await app.inject({ method: "POST", url: "/v1/predict", payload: next });
    assert.equal(r.statusCode, 200, r.body);
    const got = r.json().predictions.map((a: { failure_probability: number }) => a.failure_probability);
    assert.deepEqual(got, Array.from(expected as Float64Array));
    assert.equal(fresh.applied > 12 * 40, true, `${fresh.applied} entries replayed`);
  } finally {
    await other.close();
  }
});

test("a reading scored but not yet durable when a swap starts is in the new history", async () => {
  const t = 500;
  // predict scores at once and logs at the log's next group commit; the swap starts in between.
  const scored = service.predict([reading("M05", t)], true);
  const swapped = service.swap(registry.historyModel(v1), registry.versionDir(v1));
  await Promise.all([scored, swapped]);
  assert.equal(service.model.version, v1);
  assert.equal(service.fleet.lastTime("M05"), Date.parse(at(t)));
  // And the new history refuses what the old one would have: the same reading again is out of order.
  await assert.rejects(service.predict([reading("M05", t)], true), { code: "MW_CONFLICT" });
});
