// A machine bought after training, added on the running contract server (PUT /v1/machines/{id},
// one server on its SQLite history log): refused before, scored after, kept across a restart; its
// attributes checked as the attributes file's are (a level outside the contract's own list is a
// 400 naming it); corrected by a second PUT; and the admin token required.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { jsonClient } from "../../helpers/http.js";
import { NEW, type NewMachineShop, newMachineShop } from "../../helpers/new-machine.js";

const ADMIN = "admin-token-for-machines";
const FEEDBACK = "feedback-token-for-machines";
type Server = Awaited<ReturnType<typeof startContractServer>>;

let shop: NewMachineShop;
let server: Server | null = null;
const call = jsonClient(() => (server as Server).url);

const start = (dataDir = "data", tokens: Record<string, string> = { MILLWRIGHT_ADMIN_TOKEN: ADMIN }) =>
  startContractServer(
    readConfig({
      MILLWRIGHT_REGISTRY: shop.registry.dir,
      MILLWRIGHT_DATA_DIR: join(shop.dir, dataDir),
      MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
      ...tokens,
    }),
    { host: "127.0.0.1", port: 0, logger: false },
  );

before(async () => {
  shop = newMachineShop("mw-cmachines-", { days: 20, declareLevels: true });
  server = await start();
});
after(async () => {
  await server?.close();
  rmSync(shop.dir, { recursive: true, force: true });
});

const put = (id: string, attributes: unknown, token: string | null = ADMIN) =>
  call("PUT", `/v1/machines/${encodeURIComponent(id)}`, { attributes }, token ?? undefined);
const mine = () => shop.readings().filter((r) => r.machine_id === NEW);
const listed = async (id: string) =>
  ((await call("GET", "/v1/machines?limit=200")).body.machines as { machine_id: string }[]).find(
    (m) => m.machine_id === id,
  ) as { machine_id: string; attributes: Record<string, unknown> } | undefined;

test("a machine bought after training: refused until added; added, its readings and events are scored and it is on the board", async () => {
  const readings = mine();
  const before = await call("POST", "/v1/predict", readings.slice(0, 5));
  assert.equal(before.status, 400, JSON.stringify(before.body));
  assert.match(before.body.detail, /'M12' is not in the contract's machine table/);
  assert.equal(await listed(NEW), undefined);

  const added = await put(NEW, { model: "DMG Mori NLX 2500", age: 5 });
  assert.equal(added.status, 201, JSON.stringify(added.body));
  assert.deepEqual(added.body, {
    machine_id: NEW,
    status: "added",
    attributes: { model: "DMG Mori NLX 2500", age: 5 },
    warnings: [],
  });
  for (let i = 0; i < readings.length; i += 200) {
    const r = await call("POST", "/v1/predict", readings.slice(i, i + 200));
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
  }
  const events = shop.events().filter((e) => e.machine_id === NEW);
  assert.ok(events.length > 0);
  const ev = await call("POST", "/v1/events", { events }, FEEDBACK);
  assert.equal(ev.status, 200, JSON.stringify(ev.body).slice(0, 500));
  assert.ok(ev.body.results.every((x: { outcome: string }) => x.outcome === "accepted"));

  const m = await listed(NEW);
  assert.deepEqual(m && { ...m, last_seen: null }, {
    machine_id: NEW,
    machine_model: "DMG Mori NLX 2500",
    attributes: { model: "DMG Mori NLX 2500", age: 5 },
    registered: true,
    last_reading_at: new Date(
      Date.parse(`${String(readings.at(-1)?.timestamp).replace(" ", "T")}Z`),
    ).toISOString(),
    last_seen: null,
  });
  const board = (await call("GET", "/v1/fleet?limit=200")).body;
  assert.ok(board.machines.some((x: { machine_id: string }) => x.machine_id === NEW));
  const page = await call("GET", `/v1/machines/${NEW}`);
  assert.equal(page.status, 200);
  assert.equal(page.body.history.length, 100);
  assert.equal(page.body.events.length, Math.min(50, events.length));
});

test("PUT again: the same attributes are 200 unchanged; different ones an update, with the previous", async () => {
  const same = await put(NEW, { model: "DMG Mori NLX 2500", age: 5 });
  assert.equal(same.status, 200);
  assert.equal(same.body.status, "unchanged");
  const fixed = await put(NEW, { model: "DMG Mori NLX 2500", age: 4 });
  assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
  assert.equal(fixed.body.status, "updated");
  assert.deepEqual(fixed.body.previous, { model: "DMG Mori NLX 2500", age: 5 });
  assert.deepEqual((await listed(NEW))?.attributes, { model: "DMG Mori NLX 2500", age: 4 });
  // A machine the model was trained with: its row of the stored table is what "the same" compares to.
  const m01 = await listed("M01");
  assert.equal((await put("M01", m01?.attributes)).body.status, "unchanged");
});

test("bad attributes are a 400 naming the attribute, and add nothing", async () => {
  const cases: [unknown, string, RegExp][] = [
    // The contract lists the models itself: a typo is refused, naming the levels.
    [
      { model: "DMG Mori NLX-2500" },
      "body.attributes.model",
      /not one of the contract's levels \(.*DMG Mori NLX 2500/,
    ],
    [{ model: "Haas VF-2", colour: "red" }, "body.attributes.colour", /unknown field|colour/],
    [{ model: "Haas VF-2", age: "old" }, "body.attributes.age", /number/],
  ];
  for (const [attributes, field, message] of cases) {
    const r = await put("M13", attributes);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.code, "MW_VALIDATION");
    assert.equal(r.body.field, field, JSON.stringify(r.body));
    assert.match(r.body.detail, message);
  }
  const blank = await put(" M13", { model: "Haas VF-2" });
  assert.equal(blank.status, 400);
  assert.equal(blank.body.field, "params.id");
  assert.equal((await put("M13", undefined)).status, 400);
  assert.equal(await listed("M13"), undefined, "nothing was added");
  // Any attribute may be missing, as an empty cell of the attributes file.
  const bare = await put("M14", { age: null });
  assert.equal(bare.status, 201, JSON.stringify(bare.body));
  assert.deepEqual(bare.body.attributes, { model: null, age: null });
});

test("the admin token is required: 401 without it or with another, 403 on a server with none", async () => {
  const none = await put("M15", { model: "Haas VF-2" }, null);
  assert.equal(none.status, 401);
  assert.equal(none.body.code, "MW_UNAUTHORIZED");
  assert.equal((await put("M15", { model: "Haas VF-2" }, FEEDBACK)).status, 401);
  const open = await start("data-no-admin", {});
  try {
    const r = await jsonClient(() => open.url)("PUT", "/v1/machines/M15", { attributes: {} }, ADMIN);
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.code, "MW_FORBIDDEN");
  } finally {
    await open.close();
  }
  assert.equal(await listed("M15"), undefined);
  // The docs say so, and name the contract's attributes.
  const op = (await call("GET", "/docs/json")).body.paths["/v1/machines/{id}"]?.put;
  assert.ok(op?.security, "PUT /v1/machines/{id} documented as token-protected");
  const body = JSON.stringify(op.requestBody);
  assert.match(body, /"model":\{"type":"string","nullable":true/);
  assert.match(body, /"age":\{"type":"number","nullable":true/);
});

test("a restart keeps the machine (the history log replayed), as last corrected", async () => {
  await (server as Server).close();
  server = null;
  server = await start();
  const m = await listed(NEW);
  assert.deepEqual(m?.attributes, { model: "DMG Mori NLX 2500", age: 4 });
  assert.equal((await put(NEW, { model: "DMG Mori NLX 2500", age: 4 })).body.status, "unchanged");
  const last = mine().at(-1) as Record<string, unknown>;
  const next = {
    ...last,
    timestamp: new Date(Date.parse(`${String(last.timestamp).replace(" ", "T")}Z`) + 3600_000).toISOString(),
  };
  const r = await call("POST", "/v1/predict", next);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.machine_id, NEW);
});
