// A contract whose times are Unix epoch seconds (`time.format: epoch`) takes a reading's and an
// event's timestamp as a JSON number too, as a bridge posts what its controller counts (trial 2: it
// was refused, "must be a string"): read as its digits would be, with the same 1980–2100 check, and
// echoed as sent. A real server on a real SQLite history log.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import {
  hourlyReading,
  type ShopApp,
  servedShop,
  type TrainedShop,
  trainedShop,
} from "../../helpers/contract-served.js";

const TOKEN = "feedback-token-for-tests";
let shop: TrainedShop;
let app: FastifyInstance;
let log: SqliteHistoryLog;
let served: ShopApp;

before(async () => {
  // The example's files write ISO times, which an epoch contract reads too.
  shop = trainedShop("mw-epoch-", (t) =>
    t.replace(
      "time: { column: timestamp }",
      "time: { column: timestamp, format: epoch, zone: Europe/Berlin }",
    ),
  );
  assert.equal(shop.model.contract.time?.format, "epoch");
  served = await servedShop(shop, { tokens: { feedback: TOKEN }, maxBatch: 100 });
  ({ app, log } = served);
});

after(() => served.close());

/** Hour `h` of hourlyReading's clock as Unix seconds. */
const seconds = (h: number) => Date.UTC(2027, 0, 1) / 1000 + h * 3600;
const reading = (m: string, h: number, timestamp: unknown) => ({ ...hourlyReading(m, h), timestamp });
const predict = (payload: object) => app.inject({ method: "POST", url: "/v1/predict", payload });

test("a reading's epoch time as a JSON number: scored at that instant, echoed as a number", async () => {
  const one = await predict(reading("M01", 1, seconds(1)));
  assert.equal(one.statusCode, 200, one.body);
  assert.equal(one.json().timestamp, seconds(1));
  // A batch (the byte scanner's path) mixing numbers, digits as text and ISO.
  const many = await predict([
    reading("M02", 1, seconds(1)),
    reading("M02", 2, String(seconds(2))),
    reading("M02", 3, new Date(seconds(3) * 1000).toISOString()),
    reading("M02", 4, seconds(4) + 0.5),
  ]);
  assert.equal(many.statusCode, 200, many.body);
  const stamps = (many.json().predictions as { timestamp: unknown }[]).map((p) => p.timestamp);
  assert.deepEqual(stamps, [
    seconds(1),
    String(seconds(2)),
    new Date(seconds(3) * 1000).toISOString(),
    seconds(4) + 0.5,
  ]);
  // The log has them at their instants, in order: one at or before the newest is a 409.
  const again = await predict(reading("M02", 4, seconds(4)));
  assert.equal(again.statusCode, 409, again.body);
  // Said in the shop's clock too (trial 3: a 409 in UTC only, to a shop that thinks in Berlin time).
  assert.match(
    again.json().detail,
    /its newest: 2027-01-01T04:00:00\.500Z \(2027-01-01 05:00 Europe\/Berlin time\)/,
  );
});

test("an epoch number out of 1980–2100 (milliseconds sent as seconds) is a 400 naming the field", async () => {
  const r = await predict([reading("M03", 5, seconds(5)), reading("M03", 6, seconds(6) * 1000)]);
  assert.equal(r.statusCode, 400);
  assert.match(r.json().detail, /^readings\[1\]\.timestamp: must be Unix epoch seconds/);
});

test("an event's epoch time as a JSON number is taken, and the OpenAPI document says both", async () => {
  const r = await app.inject({
    method: "POST",
    url: "/v1/events",
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: {
      events: [
        { id: "e1", table: "maintenance", machine_id: "M01", timestamp: seconds(2), kind: "spindle_bearing" },
      ],
    },
  });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().results[0].outcome, "accepted");
  const logged = (await log.entriesAfter(0, 1_000_000)).find(
    (e) => e.type === "event" && e.event.id === "e1",
  );
  assert.equal(logged?.type === "event" ? logged.event.time : null, seconds(2) * 1000);
  const doc = (await app.inject({ method: "GET", url: "/docs/json" })).json();
  const body = doc.paths["/v1/predict"].post.requestBody.content["application/json"].schema;
  assert.deepEqual(body.oneOf[0].properties.timestamp.anyOf, [{ type: "string" }, { type: "number" }]);
  const events = doc.paths["/v1/events"].post.requestBody.content["application/json"].schema;
  assert.deepEqual(events.properties.events.items.properties.timestamp.anyOf, [
    { type: "string", maxLength: 40 },
    { type: "number" },
  ]);
});
