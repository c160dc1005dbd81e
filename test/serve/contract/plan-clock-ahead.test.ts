// One machine whose controller clock runs 5 days fast (trial 3, F1 and F2): the server takes its
// reading (under the 7-day bound), but neither the fleet's drift window nor the plan follows it. The
// window ends at the fleet's time and names the machine; the plan starts from the fleet's newest
// reading without it and warns, naming the machine and its lead (core/fleet-time.ts).
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Registry as PromRegistry } from "prom-client";
import { ContractMonitor } from "../../../src/monitor/live/monitor.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import type { HistoryModel } from "../../../src/train/history-model.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";

const FEEDBACK = "feedback-token-for-tests";
const ADMIN = "admin-token-for-tests";
const H = 3_600_000;
let app: FastifyInstance;
let log: SqliteHistoryLog;
let model: HistoryModel;
let readings: Record<string, unknown>[];
let newest: number;

before(async () => {
  const shop = trainedShop("mw-sclock-");
  model = shop.model;
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  const techniciansFile = join(shop.dir, "technicians.yaml");
  copyFileSync("examples/contracts/historian-technicians.yaml", techniciansFile);
  const versionDir = shop.registry.versionDir(shop.version);
  const prom = new PromRegistry();
  const monitor = new ContractMonitor(model, versionDir, prom);
  app = await buildContractApp({
    service: await ContractService.open(model, versionDir, log, [monitor]),
    monitor,
    metricsRegistry: prom,
    tokens: { feedback: FEEDBACK, admin: ADMIN },
    maxBatch: 20_000,
    technicians: techniciansFile,
  });
  const ex = shopExports(model.contract);
  readings = ex.readings;
  const e = await app.inject({
    method: "POST",
    url: "/v1/events",
    headers: { authorization: `Bearer ${FEEDBACK}` },
    payload: { events: ex.events },
  });
  assert.equal(e.statusCode, 200, e.body);
  for (let i = 0; i < readings.length; i += 5000) {
    const r = await app.inject({ method: "POST", url: "/v1/predict", payload: readings.slice(i, i + 5000) });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
  }
  newest = Math.max(...readings.map((r) => Date.parse(String(r.timestamp))));
});

after(async () => {
  await app.close();
  await log.close();
});

const monitorNow = async () => {
  const r = await app.inject({ method: "GET", url: "/v1/monitor" });
  assert.equal(r.statusCode, 200, r.body.slice(0, 300));
  return r.json();
};

test("a reading 5 days ahead: the drift window stays the fleet's day and names the machine; the plan starts from the fleet's data and warns", async () => {
  const calm = await monitorNow();
  assert.equal(calm.drift_window.full, true, JSON.stringify(calm.drift_window));
  assert.equal(calm.drift_window.leading, undefined);
  // M05's controller clock runs 5 days and 2 hours fast: its next reading is stamped so.
  const last = readings.filter((r) => r.machine_id === "M05").at(-1) as Record<string, unknown>;
  const fast = newest + 5 * 24 * H + 2 * H;
  const r = await app.inject({
    method: "POST",
    url: "/v1/predict",
    payload: { ...last, timestamp: new Date(fast).toISOString() },
  });
  assert.equal(r.statusCode, 200, r.body);

  const m = await monitorNow();
  // As it was: {rows: 1, hours: 0, full: true}, and the gauges computed on that one reading.
  assert.deepEqual(
    { ...m.drift_window, leading: undefined },
    { ...calm.drift_window, leading: undefined },
    "the same day of the fleet",
  );
  assert.ok(m.drift_window.rows > 100, JSON.stringify(m.drift_window));
  const iso = (t: number) => `${new Date(t).toISOString().slice(0, 16)}Z`;
  assert.deepEqual(m.drift_window.leading, [
    { machine_id: "M05", newest: iso(fast), fleet: iso(newest), fleet_time: iso(newest), lead_hours: 122 },
  ]);
  assert.deepEqual(
    m.drift.features.map((f: { score: number }) => f.score),
    calm.drift.features.map((f: { score: number }) => f.score),
  );

  const p = (await app.inject({ method: "GET", url: "/v1/plan" })).json();
  // As it was: data_time the fast reading's, the horizon 5 days on, and no warning.
  assert.equal(p.data_time, new Date(newest).toISOString());
  assert.ok(Date.parse(p.horizon.start) >= newest, p.horizon.start);
  assert.ok(Date.parse(p.horizon.start) <= newest + 8 * H, p.horizon.start);
  const w = p.warnings.filter((x: string) => x.includes("M05"));
  assert.equal(w.length, 1, p.warnings.join("\n"));
  assert.ok(
    w[0].startsWith(
      `machine M05's newest reading is 5.1 days ahead of most of the fleet (${iso(fast)} vs ${iso(newest)}, the newest reading of the machine a quarter of the fleet from the top), more than 12 h: its clock may be wrong; the plan starts from the fleet's newest reading without it (${iso(newest)})`,
    ),
    w[0],
  );
  // M05 is still planned for (its last reading held), and no other machine is taken for silent.
  assert.equal(p.machines.length, 12);
  const m05 = p.machines.find((x: { machine_id: string }) => x.machine_id === "M05");
  assert.equal(m05.data_time, new Date(fast).toISOString());
  for (const x of m05.risk_ahead) assert.ok(Number.isFinite(x) && x >= 0 && x <= 1, String(x));
});
