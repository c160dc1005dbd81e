// POST /v1/models/rollback on a real data-contract server (startContractServer on a port): the
// admin token, the previous champion served again with the fleet history kept, the reason in the
// registry's champion trail and in the server's audit (GET /v1/retrain/history shows it).
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { loadContract } from "../../../src/contract/load.js";
import { readContractData } from "../../../src/data/contract-data.js";
import { readChampionTrail } from "../../../src/registry/champions.js";
import { ModelRegistry } from "../../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../../src/registry/train-history.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { historianShop } from "../../helpers/historian.js";
import { jsonClient } from "../../helpers/http.js";

const ADMIN = "admin-token-for-rollback";
let server: Awaited<ReturnType<typeof startContractServer>>;
let registry: ModelRegistry;

before(async () => {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, "mw-crollback-");
  const { contract, text } = loadContract(shop.contract);
  registry = new ModelRegistry(join(shop.dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  for (const seed of [1, 2])
    trainHistoryAndRegister(registry, data, text, {
      seed,
      split: { by: "time", testFrom: null },
      params: { nEstimators: 5 },
    });
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: registry.dir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
    MILLWRIGHT_ADMIN_TOKEN: ADMIN,
  });
  server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
});
after(async () => server?.close());

const call = jsonClient(() => server.url);

test("rollback: admin only, back to the previous champion and served, the reason audited", async () => {
  assert.equal((await call("GET", "/v1/model")).body.version, "1.0.0");
  // Nothing before the first champion: a clear 409, nothing moves.
  const none = await call("POST", "/v1/models/rollback", {}, ADMIN);
  assert.equal(none.status, 409, JSON.stringify(none.body));
  assert.equal(none.body.code, "MW_CONFLICT");
  assert.match(none.body.detail, /records no champion before 1\.0\.0/);

  const promoted = await call("POST", "/v1/models/1.1.0/promote", {}, ADMIN);
  assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
  assert.equal((await call("GET", "/v1/model")).body.version, "1.1.0");

  assert.equal((await call("POST", "/v1/models/rollback", { reason: "x" })).status, 401);
  const tooLong = await call("POST", "/v1/models/rollback", { reason: "y".repeat(501) }, ADMIN);
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.code, "MW_VALIDATION");
  assert.match(tooLong.body.detail, /reason/);
  // A reason that is not text is a 400 naming the field too (moved from the AI4I app's test).
  const notText = await call("POST", "/v1/models/rollback", { reason: 7 }, ADMIN);
  assert.equal(notText.status, 400, JSON.stringify(notText.body));
  assert.equal(notText.body.code, "MW_VALIDATION");
  assert.match(notText.body.detail, /reason/);
  assert.equal(registry.readIndex().aliases.champion, "1.1.0");

  const r = await call("POST", "/v1/models/rollback", { reason: "scores drifted after 1.1.0" }, ADMIN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, {
    from: "1.1.0",
    to: "1.0.0",
    reason: "scores drifted after 1.1.0",
    served: "1.0.0",
  });
  assert.equal((await call("GET", "/v1/model")).body.version, "1.0.0");
  assert.equal(registry.readIndex().aliases.champion, "1.0.0");
  const last = readChampionTrail(registry.dir).at(-1);
  assert.equal(last?.action, "rollback");
  assert.equal(last?.reason, "scores drifted after 1.1.0");
  const history = await call("GET", "/v1/retrain/history");
  assert.equal(history.status, 200, JSON.stringify(history.body));
  const row = history.body.events.find((e: { kind: string }) => e.kind === "rollback");
  assert.ok(row, JSON.stringify(history.body));
  assert.deepEqual(row.payload, {
    from: "1.1.0",
    to: "1.0.0",
    reason: "scores drifted after 1.1.0",
    by: "api",
  });
});
