// The contract server's API: everything a client sees comes from the contract (schema, docs, OIP
// tensors, errors naming the reading and field); events need the token and are idempotent; a
// machine's readings come in time order; a bad reading in a batch changes nothing.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { MAX_AHEAD_MS } from "../../../src/core/limits.js";
import { ESTIMATE_MIN_ALARMS } from "../../../src/monitor/live/monitor.js";
import { type ShopApp, servedShop, trainedShop } from "../../helpers/contract-served.js";

const TOKEN = "feedback-token-for-tests";
let app: FastifyInstance;
let served: ShopApp;
let _dir: string;

before(async () => {
  const shop = trainedShop("mw-capp-");
  _dir = shop.dir;
  served = await servedShop(shop, { tokens: { feedback: TOKEN }, maxBatch: 100 }, (service) => {
    service.maxAheadMs = MAX_AHEAD_MS; // as the server sets it (serve/contract/server.ts)
  });
  ({ app } = served);
});

after(() => served.close());

const reading = (over: Record<string, unknown> = {}) => ({
  machine_id: "M01",
  timestamp: "2026-06-01T00:00:00Z",
  spindle_speed: 9000,
  spindle_load: 40,
  vibration: 1.2,
  ...over,
});

async function post(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: "POST", url, payload: payload as object, headers });
}

test("a reading by the contract's names gets every head and the likeliest kind", async () => {
  const r = await post("/v1/predict", reading());
  assert.equal(r.statusCode, 200, r.body);
  const a = r.json();
  assert.equal(a.machine_id, "M01");
  assert.ok(a.failure_probability >= 0 && a.failure_probability <= 1);
  assert.deepEqual(
    Object.keys(a.heads).sort(),
    ["ball_screw", "coolant_pump", "spindle_bearing", "tool_changer"].filter((k) => k in a.heads).sort(),
  );
  assert.ok(a.likeliest_kind === null || a.likeliest_kind in a.heads);
});

test("errors name the reading's index and field, from the contract's limits", async () => {
  const cases: [unknown, number, RegExp][] = [
    [
      [reading({ timestamp: "2026-06-02T00:00:00Z" }), reading({ machine_id: "M02", spindle_load: 250 })],
      400,
      /readings\[1\]\.spindle_load: 250 % is outside 0–200/,
    ],
    [reading({ timestamp: "1" }), 400, /timestamp: must be an ISO 8601 time/],
    [reading({ timestamp: undefined }), 400, /^timestamp: is required: must be an ISO 8601 time/],
    [reading({ machine_id: undefined }), 400, /^machine_id: is required$/],
    [null, 400, /^body: must be an object/],
    [reading({ torque: 3 }), 400, /torque: unknown field/],
    [reading({ spindle_load: undefined }), 400, /spindle_load: is required/],
    [reading({ machine_id: "M99" }), 400, /machine_id: 'M99' is not in the contract's machine table/],
    [reading({ machine_id: "x".repeat(129) }), 400, /machine_id: must be a string of 1–128 characters/],
    // A whole number is read as its digits (exports often number their machines); others are refused.
    [reading({ machine_id: 7 }), 400, /machine_id: '7' is not in the contract's machine table/],
    [reading({ machine_id: -3 }), 400, /machine_id: must be a string of 1–128 characters or a whole number/],
    [reading({ machine_id: 1.5 }), 400, /machine_id: must be a string of 1–128 characters or a whole number/],
    [[], 400, /empty/],
    [Array.from({ length: 101 }, () => reading()), 413, /at most 100/],
  ];
  for (const [body, status, pattern] of cases) {
    const r = await post("/v1/predict", body);
    assert.equal(r.statusCode, status, r.body);
    assert.equal(r.headers["content-type"], "application/problem+json; charset=utf-8");
    assert.match(r.json().detail, pattern);
  }
});

test("a machine's readings come in time order; a rejected batch changes no history", async () => {
  const first = await post("/v1/predict", reading({ machine_id: "M03", timestamp: "2026-06-01T05:00:00Z" }));
  assert.equal(first.statusCode, 200);
  const old = await post("/v1/predict", reading({ machine_id: "M03", timestamp: "2026-06-01T04:00:00Z" }));
  assert.equal(old.statusCode, 409);
  assert.match(old.json().detail, /already has a reading at or after this time/);
  // Batch: M04 fine, then a bad one: M04's reading must not have been applied.
  const bad = await post("/v1/predict", [
    reading({ machine_id: "M04", timestamp: "2026-06-01T05:00:00Z" }),
    reading({ machine_id: "M04", timestamp: "2026-06-01T04:00:00Z" }),
  ]);
  assert.equal(bad.statusCode, 409);
  // Said as the batch's own disorder, not as a resend (nothing of it was stored).
  assert.equal(bad.json().field, "readings[1].timestamp");
  assert.match(bad.json().detail, /is not after readings\[0\] of this batch, the same machine 'M04'/);
  const ok = await post("/v1/predict", reading({ machine_id: "M04", timestamp: "2026-06-01T05:00:00Z" }));
  assert.equal(ok.statusCode, 200, ok.body);
  // The 409 says where the machine stands, so a bridge that retried knows what to drop.
  assert.match(old.json().detail, /its newest: 2026-06-01T05:00:00.000Z/);
  assert.deepEqual(old.json().newest, [{ machine_id: "M03", newest: "2026-06-01T05:00:00.000Z" }]);
  // A batch sent again for several machines names every one at once (trial 6: a round trip each),
  // and nothing of it is stored: the new readings after them are taken once the old are dropped.
  const again = [
    reading({ machine_id: "M03", timestamp: "2026-06-01T05:00:00Z" }),
    reading({ machine_id: "M04", timestamp: "2026-06-01T05:00:00Z" }),
    reading({ machine_id: "M03", timestamp: "2026-06-01T06:00:00Z" }),
    reading({ machine_id: "M04", timestamp: "2026-06-01T06:00:00Z" }),
  ];
  const resent = await post("/v1/predict", again);
  assert.equal(resent.statusCode, 409, resent.body);
  assert.equal(resent.json().field, "readings[0].timestamp");
  assert.match(resent.json().detail, /\(and 1 more machine: `newest` lists each\)/);
  const stands = resent.json().newest as { machine_id: string; newest: string }[];
  assert.deepEqual(stands, [
    { machine_id: "M03", newest: "2026-06-01T05:00:00.000Z" },
    { machine_id: "M04", newest: "2026-06-01T05:00:00.000Z" },
  ]);
  const at = new Map(stands.map((x) => [x.machine_id, Date.parse(x.newest)]));
  const rest = again.filter((r) => Date.parse(r.timestamp as string) > (at.get(r.machine_id as string) ?? 0));
  const taken = await post("/v1/predict", rest);
  assert.equal(taken.statusCode, 200, taken.body);
  assert.equal(taken.json().predictions.length, 2);
});

test("a reading stamped far in the future is refused naming its field, and does not block the machine", async () => {
  // A controller clock a year ahead: taken, it would make every true reading of M12 a 409.
  const ahead = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const r = await post("/v1/predict", [
    reading({ machine_id: "M12", timestamp: "2026-06-01T06:00:00Z" }),
    reading({ machine_id: "M12", timestamp: ahead }),
  ]);
  assert.equal(r.statusCode, 400, r.body);
  assert.equal(r.json().field, "readings[1].timestamp");
  assert.match(r.json().detail, /more than 7 days ahead of both the server's clock and the fleet's newest/);
  const next = await post("/v1/predict", reading({ machine_id: "M12", timestamp: "2026-06-01T07:00:00Z" }));
  assert.equal(next.statusCode, 200, next.body);
  // Within a week of the fleet's clock is taken (a simulated or replayed shop runs ahead of the wall clock).
  const soon = new Date(Date.now() + 86_400_000).toISOString();
  assert.equal((await post("/v1/predict", reading({ machine_id: "M12", timestamp: soon }))).statusCode, 200);
});

test("an event stamped far in the future is refused as a reading is, naming its field; the batch changes nothing", async () => {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const ev = (id: string, timestamp: string) => ({
    id,
    table: "maintenance",
    machine_id: "M12",
    timestamp,
    kind: "spindle_bearing",
  });
  const ahead = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const r = await post(
    "/v1/events",
    { events: [ev("m13-now", "2026-06-01T06:00:00Z"), ev("m13-ahead", ahead)] },
    auth,
  );
  assert.equal(r.statusCode, 400, r.body);
  assert.deepEqual([r.json().code, r.json().field], ["MW_VALIDATION", "events[1].timestamp"]);
  assert.match(r.json().detail, /more than 7 days ahead of both the server's clock and the fleet's newest/);
  // Refused whole: the first event was not taken, so it is new now; within a week is taken.
  const soon = new Date(Date.now() + 86_400_000).toISOString();
  const ok = await post(
    "/v1/events",
    { events: [ev("m13-now", "2026-06-01T06:00:00Z"), ev("m13-soon", soon)] },
    auth,
  );
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(
    ok.json().results.map((x: { outcome: string }) => x.outcome),
    ["accepted", "accepted"],
  );
});

test("events need the feedback token, are idempotent by id, and change the next reading's features", async () => {
  const ev = {
    id: "maint-1",
    table: "maintenance",
    machine_id: "M05",
    timestamp: "2026-06-01T06:00:00Z",
    kind: "spindle_bearing",
  };
  const none = await post("/v1/events", { events: [ev] });
  assert.equal(none.statusCode, 401);
  const auth = { authorization: `Bearer ${TOKEN}` };
  const bad = await post("/v1/events", { events: [{ ...ev, table: "coffee" }] }, auth);
  assert.equal(bad.statusCode, 400);
  const before = (
    await post("/v1/predict", reading({ machine_id: "M05", timestamp: "2026-06-01T07:00:00Z" }))
  ).json();
  const r1 = await post("/v1/events", { events: [ev] }, auth);
  assert.deepEqual(r1.json().results, [{ id: "maint-1", outcome: "accepted" }]);
  const r2 = await post("/v1/events", { events: [ev, { ...ev, kind: "ball_screw" }] }, auth);
  assert.deepEqual(
    r2.json().results.map((x: { outcome: string }) => x.outcome),
    ["duplicate", "conflict"],
  );
  // The conflict says what the id was logged as, and that it stays (trial 3: a bare "conflict").
  assert.equal(
    r2.json().results[1].detail,
    "this id was logged before with other values (table maintenance, machine M05, kind 'spindle_bearing', at 2026-06-01T06:00:00.000Z), which stay: a logged event is not changed (the log is append-only)",
  );
  const afterEv = (
    await post("/v1/predict", reading({ machine_id: "M05", timestamp: "2026-06-01T08:00:00Z" }))
  ).json();
  const contract = (await app.inject({ url: "/v1/contract" })).json();
  assert.ok(contract.features.some((f: { name: string }) => f.name === "maintenance_since_spindle_bearing"));
  assert.ok(
    typeof before.failure_probability === "number" && typeof afterEv.failure_probability === "number",
  );
});

test("OIP v2: tensors from the contract, the same answers as /v1/predict", async () => {
  const meta = (await app.inject({ url: "/v2/models/historian-fleet" })).json();
  assert.deepEqual(
    meta.inputs.slice(0, 3).map((i: { name: string }) => i.name),
    ["machine_id", "timestamp", "spindle_speed"],
  );
  assert.ok(meta.outputs.some((o: { name: string }) => o.name === "failure_probability"));
  const rows = [
    reading({ machine_id: "M06", timestamp: "2026-06-01T01:00:00Z" }),
    reading({ machine_id: "M07", timestamp: "2026-06-01T01:00:00Z", vibration: null }),
  ];
  const inputs = meta.inputs.map((i: { name: string; datatype: string }) => ({
    name: i.name,
    datatype: i.datatype,
    shape: [2],
    data: rows.map((r) => (r as Record<string, unknown>)[i.name] ?? null),
  }));
  const oip = await post("/v2/models/historian-fleet/infer", { inputs });
  assert.equal(oip.statusCode, 200, oip.body);
  const p = oip.json().outputs.find((o: { name: string }) => o.name === "failure_probability").data;
  const j = (
    await post(
      "/v1/predict",
      rows.map((r) => ({ ...r, timestamp: "2026-06-01T02:00:00Z" })),
    )
  ).json();
  assert.equal(p.length, 2);
  assert.equal(j.predictions.length, 2);
  const short = await post("/v2/models/historian-fleet/infer", {
    inputs: [{ ...inputs[0] }, { ...inputs[1], data: ["2026-06-01T03:00:00Z"] }],
  });
  assert.equal(short.statusCode, 400);
});

test("the OpenAPI document shows the contract's readings with units and limits", async () => {
  const doc = (await app.inject({ url: "/docs/json" })).json();
  const text = JSON.stringify(doc.paths["/v1/predict"]);
  assert.match(text, /spindle_load/);
  assert.match(text, /"maximum":200/);
  assert.doesNotMatch(text, /tool_wear/);
});

test("?explain=true gives the three largest reasons in the contract's words, as risks with and without", async () => {
  const r = await post(
    "/v1/predict?explain=true",
    reading({ machine_id: "M08", timestamp: "2026-06-01T00:00:00Z" }),
  );
  assert.equal(r.statusCode, 200, r.body);
  const e = r.json().explanation as { feature: string; text: string; risk_without: number }[];
  assert.ok(e.length > 0 && e.length <= 3);
  const words = (await app.inject({ url: "/v1/contract" })).json().features as {
    name: string;
    words: string;
  }[];
  for (const x of e) {
    const f = words.find((w) => w.name === x.feature);
    assert.ok(f, x.feature);
    assert.ok(x.text.startsWith(f.words), x.text);
    assert.match(x.text, /(raises|lowers) the risk of a failure within 24h from .+ % to .+ %/);
    assert.doesNotMatch(x.text, /log-odds/);
  }
  // The flag as people write it; anything else is a 400, not a silent "no explanation".
  const yes = await post(
    "/v1/predict?explain=YES",
    reading({ machine_id: "M08", timestamp: "2026-06-01T01:00:00Z" }),
  );
  assert.equal(yes.statusCode, 200, yes.body);
  assert.ok(yes.json().explanation.length > 0);
  const no = await post(
    "/v1/predict?explain=0",
    reading({ machine_id: "M08", timestamp: "2026-06-01T02:00:00Z" }),
  );
  assert.equal(no.json().explanation, undefined);
  const maybe = await post(
    "/v1/predict?explain=maybe",
    reading({ machine_id: "M08", timestamp: "2026-06-01T03:00:00Z" }),
  );
  assert.equal(maybe.statusCode, 400);
  assert.equal(maybe.json().field, "querystring.explain");
  const many = await post(
    "/v1/predict?explain=true",
    Array.from({ length: 101 }, (_, i) =>
      reading({ machine_id: "M09", timestamp: `2026-06-0${1 + (i % 5)}T00:00:00Z` }),
    ),
  );
  assert.equal(many.statusCode, 413);
});

test("the monitor: drift by the contract's readings, realised quality from failures, exported for the alert rules", async () => {
  // A day of readings on M10 and M11, then a failure on M10: readings within 24 h before it are positives.
  const rows = [];
  for (let h = 0; h < 60; h++)
    for (const m of ["M10", "M11"])
      rows.push(
        reading({
          machine_id: m,
          timestamp: new Date(Date.UTC(2026, 6, 1, h)).toISOString(),
          spindle_load: 60 + h,
        }),
      );
  for (let i = 0; i < rows.length; i += 50)
    assert.equal((await post("/v1/predict", rows.slice(i, i + 50))).statusCode, 200);
  const auth = { authorization: `Bearer ${TOKEN}` };
  const f = await post(
    "/v1/events",
    {
      events: [
        {
          id: "f-m10",
          table: "failures",
          machine_id: "M10",
          timestamp: "2026-07-02T12:00:00Z",
          kind: "spindle_bearing",
        },
      ],
    },
    auth,
  );
  assert.equal(f.statusCode, 200);
  const mon = (await app.inject({ url: "/v1/monitor" })).json();
  assert.ok(mon.current_rows >= 120);
  assert.ok(mon.drift.features.some((x: { feature: string }) => x.feature === "spindle_load"));
  assert.ok(mon.drift.features.every((x: { feature: string }) => x.feature !== "tool_wear"));
  assert.ok(mon.quality.n > 0 && mon.quality.positives > 0, JSON.stringify(mon.quality));
  const metrics = (await app.inject({ url: "/metrics" })).body;
  assert.match(metrics, /millwright_feature_drift_score\{feature="spindle_load",test="[a-z]+"\} /);
  assert.match(metrics, /millwright_quality_labels\{window="count"\} \d+/);
  // Estimated quality (CBPE) of every recent reading, labelled or not: what
  // MillwrightEstimatedQualityDrop reads, which the contract server did not export.
  assert.equal(mon.estimated.n, mon.current_rows);
  assert.ok(
    mon.estimated.expected_positives > 0 && mon.estimated.accuracy > 0,
    JSON.stringify(mon.estimated),
  );
  const acc = metrics.match(/^millwright_quality_estimated\{metric="accuracy",window="count"\} (\S+)$/m);
  if (mon.estimated.alarms >= ESTIMATE_MIN_ALARMS) assert.equal(Number(acc?.[1]), mon.estimated.accuracy);
  else assert.equal(acc, null, "a window without enough alarms exports no estimate");
});

test("the week ahead counts from the fleet's time: a machine whose clock runs days fast does not stretch it (trial 3)", async () => {
  const day = 86_400_000;
  const at = (d: number) => new Date(Date.now() + d * day).toISOString();
  // M10's clock runs 5 days fast: within the week, taken.
  assert.equal((await post("/v1/predict", reading({ machine_id: "M10", timestamp: at(5) }))).statusCode, 200);
  // Counted from M10, a week would reach 12 days; from the fleet's time (M12 a day ahead, above) it is 8.
  const far = await post("/v1/predict", reading({ machine_id: "M11", timestamp: at(10) }));
  assert.equal(far.statusCode, 400, far.body);
  assert.match(
    far.json().detail,
    /more than 7 days ahead .* \(a machine whose clock runs ahead of the rest not counted/,
  );
  assert.equal((await post("/v1/predict", reading({ machine_id: "M11", timestamp: at(6) }))).statusCode, 200);
});
