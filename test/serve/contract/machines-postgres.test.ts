// A machine bought after training, added in cluster mode: two contract servers on one PostgreSQL
// history log. Added on one replica, the other takes its readings and events at once (a request
// applies the log first) and lists it once it follows; a replica started later replays it; a make
// the model never saw is taken and counts as missing, said in a warning.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { jsonClient } from "../../helpers/http.js";
import { NEW, type NewMachineShop, newMachineShop } from "../../helpers/new-machine.js";
import { postgresOrSkip, withPostgresLogs } from "../../helpers/postgres.js";

const ADMIN = "admin-token-for-the-cluster";
const FEEDBACK = "feedback-token-for-the-cluster";
const { pg: fx, skip } = await postgresOrSkip();
type Server = Awaited<ReturnType<typeof startContractServer>>;
const servers: Server[] = [];
let shop: NewMachineShop;
let url = "";

const replica = async (name: string): Promise<Server> => {
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: shop.registry.dir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, `data-${name}`),
    MILLWRIGHT_ADMIN_TOKEN: ADMIN,
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
    MILLWRIGHT_HISTORY_FOLLOW_MS: "100",
    DATABASE_URL: url,
  });
  const s = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false });
  servers.push(s);
  return s;
};

before(async () => {
  if (skip) return;
  shop = newMachineShop("mw-cmachines-pg-", { days: 20 });
  url = await fx!.createDatabase();
});
after(async () => {
  for (const s of servers) await s.close().catch(() => {});
  await fx?.dispose();
  if (shop) rmSync(shop.dir, { recursive: true, force: true });
});

/** The machine as a replica lists it (undefined: not known). */
const listed = async (s: Server, id: string) =>
  (
    (await jsonClient(() => s.url)("GET", "/v1/machines?limit=200")).body.machines as {
      machine_id: string;
      attributes: Record<string, unknown>;
    }[]
  ).find((m) => m.machine_id === id);

test(
  "cluster: a machine added on one replica is scored by the other, listed once it follows, and replayed by a new one",
  { skip },
  () =>
    withPostgresLogs(fx!, async () => {
      const a = await replica("a");
      const b = await replica("b");
      const callA = jsonClient(() => a.url);
      const callB = jsonClient(() => b.url);
      const readings = shop.readings().filter((r) => r.machine_id === NEW);
      assert.equal((await callB("POST", "/v1/predict", readings.slice(0, 5))).status, 400, "unknown before");

      // A make and model the model never saw (learned levels: an open list): taken, said.
      const attributes = { model: "Brother Speedio S700X1", age: 1 };
      const added = await callA("PUT", `/v1/machines/${NEW}`, { attributes }, ADMIN);
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(added.body.warnings.length, 1);
      assert.match(
        added.body.warnings[0],
        /machine 'M12': model 'Brother Speedio S700X1' is a level the model never saw; it counts as missing/,
      );
      // The other replica applies the log before it scores: no wait for its follow interval.
      const half = Math.floor(readings.length / 2);
      const r1 = await callB("POST", "/v1/predict", readings.slice(0, half));
      assert.equal(r1.status, 200, JSON.stringify(r1.body).slice(0, 500));
      const r2 = await callA("POST", "/v1/predict", readings.slice(half));
      assert.equal(r2.status, 200, JSON.stringify(r2.body).slice(0, 500));
      const events = shop.events().filter((e) => e.machine_id === NEW);
      const ev = await callB("POST", "/v1/events", { events }, FEEDBACK);
      assert.equal(ev.status, 200, JSON.stringify(ev.body).slice(0, 500));
      const deadline = Date.now() + 10_000;
      while (!(await listed(b, NEW)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual((await listed(b, NEW))?.attributes, attributes, "as registered, on the other replica");

      // The same again on the other replica: the cluster's table, so unchanged.
      const again = await callB("PUT", `/v1/machines/${NEW}`, { attributes }, ADMIN);
      assert.equal(again.status, 200);
      assert.equal(again.body.status, "unchanged");

      const c = await replica("c");
      assert.deepEqual((await listed(c, NEW))?.attributes, attributes, "a new replica replays it");
      const page = await jsonClient(() => c.url)("GET", `/v1/machines/${NEW}`);
      assert.equal(page.status, 200);
      assert.equal(
        page.body.history.at(-1).timestamp,
        new Date(`${String(readings.at(-1)?.timestamp).replace(" ", "T")}Z`).toISOString(),
      );
    }),
);
