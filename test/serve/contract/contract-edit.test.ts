// A contract edited while its server runs (trial 5): v2 keeps the contract's name (so its log), swaps
// two readings' places and adds a sensor. Promoting it was a 500 that still moved the champion, and
// every restart after it crashed (the log was replayed by position, one value short); swapping two
// readings replayed vibration as coolant temperature. Now the log is read by name: the promotion and
// a restart serve v2 with every logged value under its own name, the new sensor missing before it
// was sent; the retraining's files and the export read the log the same way.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Registry as PromRegistry } from "prom-client";
import { loadContract } from "../../../src/contract/load.js";
import { readContractData } from "../../../src/data/contract-data.js";
import { ContractMonitor } from "../../../src/monitor/live/monitor.js";
import { trainHistoryAndRegister } from "../../../src/registry/train-history.js";
import { siblingReadings } from "../../../src/registry/version-readings.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { FleetBoard } from "../../../src/monitor/live/board.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { ContractModels } from "../../../src/serve/contract/routes-models.js";
import { parseCsv } from "../../../src/data/csv.js";
import { retrainFiles } from "../../../src/retrain/contract-data.js";
import { historyExport } from "../../../src/monitor/predictions-export.js";
import type { LogEntry } from "../../../src/store/history/types.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { at, type TrainedShop, trainedShop } from "../../helpers/contract-served.js";

const ADMIN = "admin-token-for-edit";
let shop: TrainedShop;
let v2: string;

/** Serves `version` on the shop's log h.db, with a board (GET /v1/machines/:id) and promotions. */
async function serve(version: string) {
  const log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  const prom = new PromRegistry();
  const model = shop.registry.historyModel(version);
  const monitor = new ContractMonitor(model, shop.registry.versionDir(version), prom);
  const board = new FleetBoard(model);
  const service = await ContractService.open(model, shop.registry.versionDir(version), log, [monitor, board]);
  board.follow(() => service.model);
  const models = new ContractModels(shop.registry, service);
  const app: FastifyInstance = await buildContractApp({
    service,
    monitor,
    board,
    metricsRegistry: prom,
    models,
    tokens: { admin: ADMIN, feedback: "f" },
  });
  const close = async () => {
    await app.close();
    await log.close();
  };
  return { app, log, service, close };
}

before(() => {
  shop = trainedShop("mw-edit-");
  // v2: coolant_temp moved before vibration, and a new clutch air sensor (in a new column).
  const lines = readFileSync(shop.telemetry, "utf8").trimEnd().split("\n");
  writeFileSync(
    shop.telemetry,
    `${lines.map((l, i) => `${l},${i === 0 ? "clutch_air_bar" : (6 + (i % 7) / 10).toFixed(1)}`).join("\n")}\n`,
  );
  const text = shop.text.split("\n");
  const vib = text.findIndex((l) => l.includes("name: vibration,"));
  const cool = text.findIndex((l) => l.includes("name: coolant_temp,"));
  assert.ok(vib > 0 && cool === vib + 1, "the example lists vibration, then coolant_temp");
  [text[vib], text[cool]] = [text[cool], text[vib]];
  text.splice(
    vib,
    0,
    "  - { name: clutch_air, column: clutch_air_bar, unit: bar, min: 0, max: 20, words: clutch air, optional: true }",
  );
  const file = join(shop.dir, "contracts", "historian-v2.yaml");
  writeFileSync(file, text.join("\n"));
  const { contract, text: v2Text } = loadContract(file);
  assert.equal(contract.name, shop.contract.name);
  const data = readContractData(contract, { learn: true, labels: "require" });
  v2 = trainHistoryAndRegister(shop.registry, data, v2Text, {
    seed: 1,
    split: { by: "time", testFrom: null },
  }).version;
});

after(() => rmSync(shop.dir, { recursive: true, force: true }));

const reading = (h: number, extra: Record<string, unknown> = {}) => ({
  machine_id: "M01",
  timestamp: at(h),
  spindle_speed: 9000,
  spindle_load: 55,
  vibration: 3.5 + h / 100,
  coolant_temp: 42 + h / 10,
  x_axis_load: 30,
  spindle_temp: 50,
  ...extra,
});

/** M01's logged readings by the board, oldest first: the values each one shows by name. */
async function shown(app: FastifyInstance): Promise<Record<string, unknown>[]> {
  const r = await app.inject({ url: "/v1/machines/M01" });
  assert.equal(r.statusCode, 200, r.body);
  const rows = r.json().history as { timestamp: string; reading: Record<string, unknown> }[];
  return rows.sort((a, b) => a.timestamp.localeCompare(b.timestamp)).map((x) => x.reading);
}

test("an edited contract's version is promoted, restarted and retrained with the log read by name", async () => {
  const first = await serve(shop.version);
  for (let h = 0; h < 4; h++) {
    const r = await first.app.inject({ method: "POST", url: "/v1/predict", payload: reading(h) });
    assert.equal(r.statusCode, 200, r.body);
  }
  const p = await first.app.inject({
    method: "POST",
    url: `/v1/models/${v2}/promote`,
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  assert.equal(p.statusCode, 200, p.body);
  assert.equal(shop.registry.resolve("champion"), v2);
  // The served contract is v2's at once (it was the start model's until a restart).
  const served = (await first.app.inject({ url: "/v1/contract" })).json();
  assert.deepEqual(
    served.readings.slice(0, 4).map((r: { name: string }) => r.name),
    ["spindle_speed", "spindle_load", "clutch_air", "coolant_temp"],
  );
  const check = (rows: Record<string, unknown>[], n: number) => {
    assert.equal(rows.length, n);
    for (let h = 0; h < 4; h++) {
      assert.equal(rows[h].vibration, 3.5 + h / 100, `hour ${h}: ${JSON.stringify(rows[h])}`);
      assert.equal(rows[h].coolant_temp, 42 + h / 10);
      assert.equal(rows[h].clutch_air, null);
    }
  };
  check(await shown(first.app), 4);
  // v2 takes the new sensor from now on.
  const r = await first.app.inject({
    method: "POST",
    url: "/v1/predict",
    payload: reading(4, { clutch_air: 6.2 }),
  });
  assert.equal(r.statusCode, 200, r.body);
  const live = (await shown(first.app))[4];
  assert.equal(live.clutch_air, 6.2);
  const next = reading(5, { clutch_air: 6.1 });
  await first.close();

  // A restart under v2 (it crashed before): the same history, and the next reading scores the same.
  const second = await serve(v2);
  try {
    const rows = await shown(second.app);
    check(rows, 5);
    assert.deepEqual(rows[4], live);
    const again = await second.app.inject({ method: "POST", url: "/v1/predict", payload: next });
    assert.equal(again.statusCode, 200, again.body);

    // The export under v2 names each value as v2 does.
    const x = historyExport(second.log, shop.registry.historyModel(v2), {
      labelled: false,
      where: "h.db",
      readingsOf: siblingReadings(shop.registry.versionDir(v2)),
    });
    const col = (name: string) => x.header.indexOf(name);
    const out: unknown[][] = [];
    for await (const row of x.rows) out.push(row);
    assert.equal(out.length, 6);
    assert.equal(out[0][col("vibration")], 3.5);
    assert.equal(out[0][col("coolant_temp")], 42);
    assert.equal(out[0][col("clutch_air")], null);
    assert.equal(out[5][col("clutch_air")], 6.1);

    // The retraining's telemetry file under v2: the logged readings' columns by name too.
    const entries = (await second.log.entriesAfter(0)) as LogEntry[];
    const files = retrainFiles(
      shop.registry,
      v2,
      shop.registry.historyModel(v2).contract,
      entries,
      join(shop.dir, "run"),
    );
    const csv = parseCsv(readFileSync(files.telemetry, "utf8"));
    const cell = (row: string[], column: string) => row[csv.header.indexOf(column)];
    const ours = csv.rows.filter(
      (row) => cell(row, "machine_id") === "M01" && cell(row, "timestamp") >= "2027",
    );
    assert.equal(ours.length, 6);
    assert.equal(Number(cell(ours[0], "vib_rms")), 3.5);
    assert.equal(Number(cell(ours[0], "coolant_temp_C")), 42);
    assert.equal(cell(ours[0], "clutch_air_bar"), "");
    assert.equal(Number(cell(ours[5], "clutch_air_bar")), 6.1);
  } finally {
    await second.close();
  }
});

test("a promotion whose swap fails puts the champion alias back: a restart serves what was served", async () => {
  const s = await serve(v2);
  assert.equal(shop.registry.resolve("champion"), v2);
  // The log's reads fail from here on (its connection closed), so the swap's replay fails.
  await s.log.close();
  const p = await s.app.inject({
    method: "POST",
    url: `/v1/models/${shop.version}/promote`,
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  assert.equal(p.json().code, "MW_MODEL_CORRUPT", p.body);
  assert.match(p.json().detail, new RegExp(`${v2} is still served and the champion alias is back on ${v2}`));
  assert.equal(shop.registry.resolve("champion"), v2);
  assert.equal(s.service.model.version, v2);
  await s.app.close();
});

test("a version gone from the registry whose readings do not fit: replayed as missing, and named", async () => {
  // v1 logged 6 values a reading; v2 reads 7. Without v1's model.json nothing says which is which.
  rmSync(shop.registry.versionDir(shop.version), { recursive: true, force: true });
  const s = await serve(v2);
  try {
    assert.deepEqual(s.service.unplacedVersions(), [shop.version]);
    const rows = await shown(s.app);
    for (const name of ["vibration", "coolant_temp", "clutch_air"]) assert.equal(rows[0][name], null, name);
    assert.equal(rows[4].clutch_air, 6.2, "v2's own readings are read as logged");
  } finally {
    await s.close();
  }
});
