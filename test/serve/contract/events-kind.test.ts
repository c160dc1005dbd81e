// POST /v1/events and an event's kind: required (and not blank) for a table whose contract names a
// kind column, trimmed, a number taken as its decimal text, as the training-side file reader reads
// the same cell; a table without a kind column still takes events without one. Every error of the
// route names its field from the body's root (`events[0].kind`), the schema's as well as the
// route's own checks. A real server on a real SQLite history log.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { parseCsv } from "../../../src/data/csv.js";
import { readEvents } from "../../../src/data/events.js";
import type { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { type ShopApp, servedShop, type TrainedShop, trainedShop } from "../../helpers/contract-served.js";

const TOKEN = "feedback-token-for-tests";
const auth = { authorization: `Bearer ${TOKEN}` };
let shop: TrainedShop;
let app: FastifyInstance;
let log: SqliteHistoryLog;
let served: ShopApp;

// The example's tables, and `stops`: the alarm file again with no kind column (every row one kind).
const addStops = (text: string) =>
  text.replace(
    /^( *)- \{ name: maintenance,/m,
    "$1- { name: stops, file: ../historian/alarms.csv, time: timestamp, machine: machine_id, count: [24h] }\n$&",
  );

before(async () => {
  shop = trainedShop("mw-evkind-", addStops);
  served = await servedShop(shop, { tokens: { feedback: TOKEN }, maxBatch: 100 });
  ({ app, log } = served);
});

after(() => served.close());

const post = (events: unknown[]) =>
  app.inject({ method: "POST", url: "/v1/events", payload: { events }, headers: auth });

const ev = (id: string, table: string, over: Record<string, unknown> = {}) => ({
  id,
  table,
  machine_id: "M03",
  timestamp: "2026-06-01T06:00:00Z",
  kind: "spindle_bearing",
  ...over,
});

/** The kinds the history log holds for these event ids. */
async function loggedKinds(ids: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await log.entriesAfter(0, 1_000_000))
    if (e.type === "event" && ids.includes(e.event.id)) out[e.event.id] = e.event.kind;
  return out;
}

test("the contract has the tables the cases need: kind columns, and one without", () => {
  const kinds = Object.fromEntries(shop.model.contract.events.map((e) => [e.name, e.kind]));
  assert.deepEqual(kinds, { alarms: "code", stops: null, maintenance: "component" });
  assert.equal(shop.model.contract.failures?.kind, "component");
});

test("a missing, empty or blank kind on a table with a kind column is a 400 naming events[i].kind; the batch changes nothing", async () => {
  const ok = ev("kind-ok", "maintenance");
  for (const table of ["alarms", "maintenance", "failures"])
    for (const kind of [undefined, "", "   "]) {
      const bad = ev(`kind-bad-${table}`, table, { kind });
      if (kind === undefined) delete (bad as { kind?: string }).kind;
      const r = await post([ok, bad]);
      const what = `${table} kind=${JSON.stringify(kind)}: ${r.body}`;
      assert.equal(r.statusCode, 400, what);
      assert.deepEqual([r.json().code, r.json().field], ["MW_VALIDATION", "events[1].kind"], what);
      assert.match(r.json().detail, new RegExp(`^events\\[1\\]\\.kind: .*'${table}'`), what);
    }
  // Nothing was logged: neither the bad events nor the good one beside them.
  assert.deepEqual(
    await loggedKinds(["kind-ok", "kind-bad-alarms", "kind-bad-maintenance", "kind-bad-failures"]),
    {},
  );
  const again = await post([ok]);
  assert.deepEqual(again.json().results, [{ id: "kind-ok", outcome: "accepted" }]);
});

test("a table without a kind column still takes events without one", async () => {
  const e = ev("stop-1", "stops");
  delete (e as { kind?: string }).kind;
  const r = await post([e, ev("stop-2", "stops", { kind: "" })]);
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(
    r.json().results.map((x: { outcome: string }) => x.outcome),
    ["accepted", "accepted"],
  );
  assert.deepEqual(await loggedKinds(["stop-1", "stop-2"]), { "stop-1": "", "stop-2": "" });
});

test("a kind is trimmed: a failure kind with a trailing space is the model's kind, with no warning", async () => {
  const r = await post([ev("fail-trim", "failures", { kind: "spindle_bearing " })]);
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json().results, [{ id: "fail-trim", outcome: "accepted" }]);
  assert.deepEqual(await loggedKinds(["fail-trim"]), { "fail-trim": "spindle_bearing" });
  // The same event sent untrimmed the other way is the same event.
  const again = await post([ev("fail-trim", "failures", { kind: "\tspindle_bearing" })]);
  assert.deepEqual(again.json().results, [{ id: "fail-trim", outcome: "duplicate" }]);
  // A kind the model does not know is still taken, with the warning, under its trimmed name.
  const spdl = await post([ev("fail-new", "failures", { kind: "SPDL_BRG " })]);
  assert.equal(spdl.json().results[0].outcome, "accepted");
  assert.match(spdl.json().results[0].warning, /^kind 'SPDL_BRG' is not a failure kind/);
});

test("a maintenance kind the model never saw is taken, with a warning naming the table's kinds and the likeliest slip, as a failure's", async () => {
  const kinds = shop.model.contract.events.find((e) => e.name === "maintenance")?.kinds ?? [];
  assert.ok(kinds.includes("spindle_bearing"), String(kinds));
  const r = await post([
    ev("mnt-new", "maintenance", { kind: "way_lube" }),
    ev("mnt-typo", "maintenance", { kind: "spindle_baering" }),
    ev("mnt-known", "maintenance", { kind: "spindle_bearing" }),
    ev("fail-typo", "failures", { kind: "Spindle Bearing" }),
    // A table the model only counts learned no kinds (every one counts the same): nothing to say.
    ev("alarm-any", "alarms", { kind: "A-never-seen" }),
  ]);
  assert.equal(r.statusCode, 200, r.body);
  const [fresh, typo, known, failure, alarm] = r.json().results;
  assert.deepEqual(
    [fresh, typo, known, failure, alarm].map((x: { outcome: string }) => x.outcome),
    ["accepted", "accepted", "accepted", "accepted", "accepted"],
  );
  assert.equal(
    fresh.warning,
    `kind 'way_lube' is not a kind of table 'maintenance' this model knows (${kinds.join(", ")}): it is kept in the machine's history but restarts no 'since' feature of this model, and a retraining would learn it as a kind of its own`,
  );
  assert.match(
    typo.warning,
    /^kind 'spindle_baering' is not a kind of table 'maintenance' .*; did you mean 'spindle_bearing'\?\)/,
  );
  assert.equal(known.warning, undefined);
  assert.match(
    failure.warning,
    /^kind 'Spindle Bearing' is not a failure kind of this model \(.*; did you mean 'spindle_bearing'\?\): it counts/,
  );
  assert.equal(alarm.warning, undefined);
  assert.deepEqual(await loggedKinds(["mnt-new"]), { "mnt-new": "way_lube" });
});

test("a numeric alarm code is taken as its decimal text, as the file reader reads the same cell", async () => {
  const r = await post([
    ev("alarm-num", "alarms", { kind: 1402 }),
    ev("alarm-frac", "alarms", { kind: 12.5 }),
  ]);
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(await loggedKinds(["alarm-num", "alarm-frac"]), {
    "alarm-num": "1402",
    "alarm-frac": "12.5",
  });
  const same = await post([ev("alarm-num", "alarms", { kind: "1402" })]);
  assert.deepEqual(same.json().results, [{ id: "alarm-num", outcome: "duplicate" }]);
  // The training side: the alarm file's cell " 1402 " reads as the same kind.
  const c = shop.model.contract;
  const spec = c.events.find((e) => e.name === "alarms");
  assert.ok(spec);
  const file = parseCsv("timestamp,machine_id,code\n2026-06-01 06:00:00,M03, 1402 \n");
  const read = readEvents(spec, "events[0]", file, "alarms.csv", new Map([["M03", 0]]), c);
  assert.deepEqual(read.kind, ["1402"]);
  // A number with no plain decimal text (or digits JSON lost) is refused, naming the field.
  for (const kind of [1e21, 2 ** 60]) {
    const big = await post([ev("alarm-big", "alarms", { kind })]);
    assert.equal(big.statusCode, 400, big.body);
    assert.equal(big.json().field, "events[0].kind");
  }
});

test("every error of /v1/events names its field from the body's root, schema errors too", async () => {
  const noId = ev("x", "alarms", { kind: "A1" });
  delete (noId as { id?: string }).id;
  const cases: [unknown, string][] = [
    [[noId], "events[0].id"],
    [[ev("x", "alarms"), ev("y", "alarms", { type: "CM" })], "events[1].type"],
    [[ev("x", "coffee")], "events[0].table"],
    [[ev("x", "alarms", { kind: true })], "events[0].kind"],
    [[ev("x", "alarms", { kind: "k".repeat(201) })], "events[0].kind"],
    [[ev("x", "alarms", { machine_id: "NOPE" })], "events[0].machine_id"],
    [[ev("x", "alarms", { timestamp: "yesterday" })], "events[0].timestamp"],
  ];
  for (const [events, field] of cases) {
    const r = await post(events as unknown[]);
    assert.equal(r.statusCode, 400, r.body);
    assert.deepEqual([r.json().code, r.json().field], ["MW_VALIDATION", field], r.body);
    assert.ok(r.json().detail.startsWith(`${field}: `), r.body);
  }
  const flag = await post([ev("x", "alarms", { kind: true })]);
  assert.equal(flag.json().detail, "events[0].kind: must be string or number");
  const none = await app.inject({ method: "POST", url: "/v1/events", payload: {}, headers: auth });
  assert.equal(none.json().field, "events");
  const notObject = await app.inject({ method: "POST", url: "/v1/events", payload: [1], headers: auth });
  assert.equal(notObject.json().field, "body");
  // An empty list is an empty batch, as on /v1/predict (trial 3: one said MW_VALIDATION, the other MW_EMPTY_BATCH).
  const empty = await post([]);
  assert.deepEqual(
    [empty.statusCode, empty.json().code, empty.json().detail],
    [400, "MW_EMPTY_BATCH", "events: the batch is empty"],
  );
});

test("the OpenAPI document says kind is required for the tables with a kind column, trimmed, a number allowed", async () => {
  const doc = (await app.inject({ url: "/docs/json" })).json();
  const body = doc.paths["/v1/events"].post.requestBody.content["application/json"].schema;
  const kind = body.properties.events.items.properties.kind;
  assert.match(kind.description, /required for alarms, maintenance, failures/);
  assert.match(kind.description, /trimmed/);
  assert.deepEqual(
    kind.anyOf.map((s: { type: string }) => s.type),
    ["string", "number"],
  );
});
