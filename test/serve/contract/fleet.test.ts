// The contract server's dashboard API: the fleet board and a machine's page speak the contract
// (attributes from the machine table, readings by name with units, one risk per head, reasons in
// the contract's words, ground truth from failures told), the dashboard is served, and a server
// restarted on the same log shows the same history.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { loadContract } from "../../../src/contract/load.js";
import { readContractData } from "../../../src/data/contract-data.js";
import { ModelRegistry } from "../../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../../src/registry/train-history.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { FleetBoard } from "../../../src/monitor/live/board.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { historianShop } from "../../helpers/historian.js";

const TOKEN = "feedback-token-for-tests";
const WEB = join(process.cwd(), "web");
let registry: ModelRegistry;
let version: string;
let dir: string;
const open: { app: FastifyInstance; log: SqliteHistoryLog }[] = [];

async function server(): Promise<FastifyInstance> {
  const log = new SqliteHistoryLog(join(dir, "h.db"));
  const model = registry.historyModel(version);
  const board = new FleetBoard(model);
  const service = await ContractService.open(model, registry.versionDir(version), log, [board]);
  const app = await buildContractApp({ service, board, webDir: WEB, tokens: { feedback: TOKEN } });
  open.push({ app, log });
  return app;
}

let app: FastifyInstance;
const hour = (h: number) => new Date(Date.UTC(2026, 6, 1, h)).toISOString();

before(async () => {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, "mw-cfleet-");
  dir = shop.dir;
  const { contract, text } = loadContract(shop.contract);
  registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, { learn: true, labels: "require" });
  version = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
  }).version;
  app = await server();
  const rows = [];
  for (let h = 0; h < 30; h++)
    for (const m of ["M01", "M02"])
      rows.push({
        machine_id: m,
        timestamp: hour(h),
        spindle_speed: 8000,
        spindle_load: 40 + h,
        vibration: 1.5,
      });
  const r = await app.inject({ method: "POST", url: "/v1/predict", payload: rows });
  assert.equal(r.statusCode, 200, r.body);
  const ev = await app.inject({
    method: "POST",
    url: "/v1/events",
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: {
      events: [
        { id: "f1", table: "failures", machine_id: "M01", timestamp: hour(10), kind: "spindle_bearing" },
        { id: "a1", table: "alarms", machine_id: "M02", timestamp: hour(29), kind: "<b>E42</b>" },
      ],
    },
  });
  assert.equal(ev.statusCode, 200, ev.body);
});

after(async () => {
  for (const o of open) {
    await o.app.close();
    await o.log.close();
  }
});

test("GET /v2 says this is a data-contract server; the dashboard is served with its security headers", async () => {
  assert.deepEqual((await app.inject({ url: "/v2" })).json().extensions, ["data-contract"]);
  const page = await app.inject({ url: "/" });
  assert.equal(page.statusCode, 200);
  assert.match(page.headers["content-type"] as string, /text\/html/);
  assert.match(page.headers["content-security-policy"] as string, /script-src 'self'/);
  assert.equal((await app.inject({ url: "/js/app.js" })).statusCode, 200);
  const missing = await app.inject({ url: "/v1/no-such-route" });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, "MW_NOT_FOUND");
});

test("GET /v1/fleet: machines with the machine table's attributes, risk per head and reasons in the contract's words", async () => {
  const r = await app.inject({ url: "/v1/fleet" });
  assert.equal(r.statusCode, 200, r.body);
  const f = r.json();
  assert.equal(f.total, 2);
  assert.deepEqual(
    f.machines.map((m: { machine_id: string }) => m.machine_id),
    ["M01", "M02"],
  );
  const m1 = f.machines[0];
  assert.equal(m1.machine_model, "Haas VF-2");
  assert.equal(m1.attributes.model, "Haas VF-2");
  assert.equal(typeof m1.attributes.age, "number");
  assert.equal(m1.last_reading_at, hour(29));
  assert.equal(m1.trend.length, 20);
  const contract = (await app.inject({ url: "/v1/contract" })).json();
  const kinds = contract.heads.filter((k: string) => k !== "machine_failure");
  assert.deepEqual(Object.keys(m1.heads).sort(), [...kinds].sort());
  assert.ok(m1.likeliest_kind === null || kinds.includes(m1.likeliest_kind));
  assert.ok(m1.reasons.length > 0 && m1.reasons.length <= 3, String(m1.reasons));
  const words = contract.features.map((x: { words: string }) => x.words);
  for (const reason of m1.reasons)
    assert.ok(
      words.some((w: string) => reason.startsWith(w)),
      `a reason in the contract's words: ${reason}`,
    );
  assert.doesNotMatch(r.body, /tool wear|tool_wear|twf/);
  const page = (await app.inject({ url: "/v1/fleet?limit=1" })).json();
  assert.equal(page.next_cursor, "M01");
  const next = (await app.inject({ url: "/v1/fleet?limit=1&cursor=M01" })).json();
  assert.deepEqual(
    next.machines.map((m: { machine_id: string }) => m.machine_id),
    ["M02"],
  );
  assert.equal(next.next_cursor, null);
  const bad = await app.inject({ url: "/v1/fleet?limit=0" });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().detail, /querystring\.limit/);
});

test("GET /v1/machines/:id: readings by the contract's names and units, labels from failures, events", async () => {
  const r = await app.inject({ url: "/v1/machines/M01" });
  assert.equal(r.statusCode, 200, r.body);
  const d = r.json();
  assert.equal(d.machine_model, "Haas VF-2");
  assert.deepEqual(
    d.readings.find((x: { name: string }) => x.name === "spindle_load"),
    { name: "spindle_load", unit: "%", words: "spindle load", kind: "number" },
  );
  assert.equal(d.horizon, "24h");
  assert.equal(d.history.length, 30);
  const h = d.history;
  assert.equal(h[3].timestamp, hour(3));
  assert.equal(h[3].reading.spindle_load, 43);
  assert.equal(h[3].reading.coolant_temp, null, "a sensor not sent is null");
  // The failure at hour 10 labels the readings of hours 0–9 (within 24 h before it); later ones
  // are not known yet (the machine's clock is at hour 29, not 24 h past them).
  assert.deepEqual(h[0].label, { machine_failure: true, kinds: ["spindle_bearing"] });
  assert.deepEqual(h[9].label, { machine_failure: true, kinds: ["spindle_bearing"] });
  assert.equal(h[10].label, null);
  assert.equal(h[29].label, null);
  assert.deepEqual(d.events, [{ id: "f1", table: "failures", kind: "spindle_bearing", timestamp: hour(10) }]);
  const m2 = (await app.inject({ url: "/v1/machines/M02" })).json();
  assert.equal(m2.events[0].kind, "<b>E42</b>", "API text is data, the page escapes it");
  // No failure on M02, and its clock has passed 24 h after hour 5: known to be no failure.
  assert.deepEqual(m2.history[5].label, { machine_failure: false, kinds: [] });
  const none = await app.inject({ url: "/v1/machines/M99" });
  assert.equal(none.statusCode, 404);
  assert.match(none.json().detail, /machine 'M99' is not in the contract's machine table/);
});

test("a machine whose failure came after its newest reading is down on the board and its page, until a reading follows", async () => {
  // Trial 9: a machine under repair (a failure, then no readings) topped the board at its risk from
  // before it failed. M02's newest reading is at hour 29.
  const post = (events: object[]) =>
    app.inject({
      method: "POST",
      url: "/v1/events",
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { events },
    });
  const downOf = async (id: string) => {
    const f = (await app.inject({ url: "/v1/fleet" })).json();
    const row = f.machines.find((m: { machine_id: string }) => m.machine_id === id);
    const page = (await app.inject({ url: `/v1/machines/${id}` })).json();
    assert.deepEqual(page.down, row.down, "the board and the machine page say the same");
    return row.down;
  };
  assert.equal(await downOf("M01"), null, "M01's failure (hour 10) came before its newest reading");
  assert.equal(await downOf("M02"), null);
  const f = await post([
    { id: "f2", table: "failures", machine_id: "M02", timestamp: hour(31), kind: "coolant_pump" },
  ]);
  assert.equal(f.statusCode, 200, f.body);
  assert.deepEqual(await downOf("M02"), { since: hour(31), kind: "coolant_pump", repaired_at: null });
  // The part replaced (the contract's `resets` table, that kind), the machine still silent.
  await post([
    { id: "m2", table: "maintenance", machine_id: "M02", timestamp: hour(34), kind: "coolant_pump" },
  ]);
  assert.deepEqual(await downOf("M02"), { since: hour(31), kind: "coolant_pump", repaired_at: hour(34) });
  // Running again: its next reading is scored, and it is no longer down.
  const r = await app.inject({
    method: "POST",
    url: "/v1/predict",
    payload: {
      machine_id: "M02",
      timestamp: hour(35),
      spindle_speed: 8000,
      spindle_load: 40,
      vibration: 1.5,
    },
  });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(await downOf("M02"), null);
});

test("a server restarted on the same log shows the same board and history", async () => {
  const again = await server();
  for (const url of ["/v1/machines/M01", "/v1/machines/M02"]) {
    const a = (await app.inject({ url })).json();
    const b = (await again.inject({ url })).json();
    assert.deepEqual(b, a, url);
  }
  const fa = (await app.inject({ url: "/v1/fleet" })).json();
  const fb = (await again.inject({ url: "/v1/fleet" })).json();
  assert.deepEqual({ ...fb, generated_at: 0 }, { ...fa, generated_at: 0 });
});

test("a rebuild from the log (cluster mode after a failed step) leaves the board and the monitor as they were", async () => {
  const { Registry: PromRegistry } = await import("prom-client");
  const { ContractMonitor } = await import("../../../src/monitor/live/monitor.js");
  const log = new SqliteHistoryLog(join(dir, "h.db"));
  const model = registry.historyModel(version);
  const board = new FleetBoard(model);
  const monitor = new ContractMonitor(model, registry.versionDir(version), new PromRegistry());
  const service = await ContractService.open(model, registry.versionDir(version), log, [board, monitor]);
  try {
    const before = monitor.report(0);
    assert.ok(before.current_rows >= 60, `replayed ${before.current_rows} readings`);
    const m01 = board.readings("M01").length;
    assert.ok(m01 > 0);
    await service.rebuild();
    const again = monitor.report(0);
    assert.equal(again.current_rows, before.current_rows);
    assert.deepEqual(again.quality, before.quality);
    assert.equal(board.readings("M01").length, m01);
  } finally {
    await log.close();
  }
});
