// A machine added on the running server is trained with by the server's own retraining: the
// challenger reads the champion's stored machine table with the added machine in it (and the
// machine's readings and events from the history log), learns its make as a level of its own, and
// its version keeps the machine in its own copy of the table, so the next server knows it too.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { parseCsv } from "../../../src/data/csv.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { jsonClient } from "../../helpers/http.js";
import { NEW, type NewMachineShop, newMachineShop } from "../../helpers/new-machine.js";

const ADMIN = "admin-token-for-machines";
const FEEDBACK = "feedback-token-for-machines";
const DAY = 86_400_000;
const MAKE = "Brother Speedio S700X1";
type Server = Awaited<ReturnType<typeof startContractServer>>;

let shop: NewMachineShop;
let server: Server;
const call = jsonClient(() => server.url);

before(async () => {
  shop = newMachineShop("mw-cmachines-rt-", { days: 60, trainUntil: 45 * DAY });
  server = await startContractServer(
    readConfig({
      MILLWRIGHT_REGISTRY: shop.registry.dir,
      MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
      MILLWRIGHT_ADMIN_TOKEN: ADMIN,
      MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
      MILLWRIGHT_RETRAIN_MODE: "local",
      MILLWRIGHT_GATE_MINIMUM: "0",
    }),
    { host: "127.0.0.1", port: 0, logger: false },
  );
});
after(async () => {
  await server?.close();
  rmSync(shop.dir, { recursive: true, force: true });
});

/** A version's stored machine table, by machine id. */
const tableOf = (version: string) => {
  const t = parseCsv(readFileSync(join(shop.registry.versionDir(version), "attributes.csv"), "utf8"));
  return new Map(t.rows.map((r) => [r[0], r.slice(1)]));
};

test("a retraining trains with the added machine, and the new version's machine table has it", async () => {
  assert.equal(tableOf(shop.version).has(NEW), false, "the champion was trained without it");
  const added = await call("PUT", `/v1/machines/${NEW}`, { attributes: { model: MAKE, age: 1 } }, ADMIN);
  assert.equal(added.status, 201, JSON.stringify(added.body));
  // The last 15 days of every machine, the new one's included, then their events.
  const readings = shop.readings(shop.start + 45 * DAY);
  assert.ok(readings.some((r) => r.machine_id === NEW));
  for (let i = 0; i < readings.length; i += 1000) {
    const r = await call("POST", "/v1/predict", readings.slice(i, i + 1000));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
  }
  const e = await call("POST", "/v1/events", { events: shop.events(shop.start + 45 * DAY) }, FEEDBACK);
  assert.equal(e.status, 200, JSON.stringify(e.body).slice(0, 500));

  const started = await call("POST", "/v1/retrain", { reason: "M12 was bought" }, ADMIN);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  // Training may hold the event loop: the decision is read from the audit, as an operator reads it.
  let d:
    | { verdict: string; reason: string; data: { production_rows: number }; challenger: { version: string } }
    | undefined;
  for (let i = 0; i < 600 && !d; i++) {
    d = (await call("GET", "/v1/retrain/history")).body.decisions[0]?.payload;
    if (!d) await new Promise((r) => setTimeout(r, 100));
  }
  if (!d) assert.fail("no decision within 60 s");
  assert.notEqual(d.verdict, "failed", d.reason);
  assert.equal(d.data.production_rows, readings.length, "every logged reading, the new machine's too");
  const challenger = d.challenger.version;
  assert.deepEqual(tableOf(challenger).get(NEW), [MAKE, "1"]);
  assert.equal(tableOf(challenger).size, 12);
  // The make first seen on the added machine is a level of the challenger's (learned from the table).
  const model = JSON.parse(readFileSync(join(shop.registry.versionDir(challenger), "model.json"), "utf8"));
  const levels = model.contract.attributes.columns.find((a: { name: string }) => a.name === "model").levels;
  assert.ok(levels.includes(MAKE), JSON.stringify(levels));
});
