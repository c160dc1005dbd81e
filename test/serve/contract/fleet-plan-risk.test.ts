// The fleet board and the machine page carry the latest plan's risk ahead beside the model's risk
// within the horizon (customer trial, issue 16: the board said spindle bearing 0.9 % on L05 while the
// plan booked its replacement at 58 % "by Mon night", and nothing joined the two). The numbers are
// the plan's own (`machines[].risk_ahead`'s last, `heads.<kind>.by_end`), null before any plan, and a
// fleet GET never makes one (it is polled); stale once the data has moved past the plan's first shift.
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import { FleetBoard } from "../../../src/monitor/live/board.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import type { HistoryModel } from "../../../src/train/history-model.js";
import { hasAgeMap, type PlanCalibration } from "../../../src/train/plan-calibration.js";
import { trainedShop } from "../../helpers/contract-served.js";
import { shopExports } from "../../helpers/historian.js";

const FEEDBACK = "feedback-token-for-tests";
let app: FastifyInstance;
let log: SqliteHistoryLog;
let model: HistoryModel;
/** Each machine's newest reading as posted, to post it again later in time. */
const newest = new Map<string, Record<string, unknown>>();

type PlanRisk = {
  by_end: number;
  until: string;
  until_label: string;
  heads: Record<string, number | null>;
  made_at: string;
  model_version: string;
  stale: boolean;
  part_age: boolean;
};
type Row = { machine_id: string; plan_risk: PlanRisk | null };

before(async () => {
  const shop = trainedShop("mw-splanrisk-");
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  model = shop.model;
  const technicians = join(shop.dir, "technicians.yaml");
  copyFileSync("examples/contracts/historian-technicians.yaml", technicians);
  const board = new FleetBoard(model);
  app = await buildContractApp({
    service: await ContractService.open(model, shop.registry.versionDir(shop.version), log, [board]),
    board,
    tokens: { feedback: FEEDBACK },
    maxBatch: 20_000,
    technicians,
    uploadedTechnicians: join(shop.dir, "uploaded-technicians.yaml"),
  });
  const { events, readings } = shopExports(model.contract);
  const auth = { authorization: `Bearer ${FEEDBACK}` };
  const e = await app.inject({ method: "POST", url: "/v1/events", headers: auth, payload: { events } });
  assert.equal(e.statusCode, 200, e.body);
  for (let i = 0; i < readings.length; i += 5000) {
    const r = await app.inject({ method: "POST", url: "/v1/predict", payload: readings.slice(i, i + 5000) });
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
  }
  for (const r of readings) newest.set(r.machine_id as string, r);
});

after(async () => {
  await app.close();
  await log.close();
});

const fleet = async (): Promise<Row[]> => {
  const r = await app.inject({ url: "/v1/fleet" });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().machines;
};
const machinePage = async (id: string): Promise<Row> => {
  const r = await app.inject({ url: `/v1/machines/${id}` });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
};

test("before any plan: plan_risk is null on the board and the machine page, and polling the board makes no plan", async () => {
  for (let i = 0; i < 3; i++) {
    const rows = await fleet();
    assert.equal(rows.length, 12);
    for (const m of rows) assert.equal(m.plan_risk, null, m.machine_id);
  }
  assert.equal((await machinePage("M01")).plan_risk, null);
  // Still none after the polls: the first GET /v1/plan makes it now, not a board GET before.
  const started = Date.now();
  const p = (await app.inject({ url: "/v1/plan" })).json();
  assert.ok(
    Date.parse(p.made_at) >= started - 5,
    `made ${p.made_at}, asked at ${new Date(started).toISOString()}`,
  );
});

test("after a plan: each row's plan_risk is the plan's own risk by its end, overall and per kind", async () => {
  const p = (await app.inject({ url: "/v1/plan" })).json();
  assert.equal(p.stale, false);
  const rows = await fleet();
  const planned = new Map(
    (
      p.machines as {
        machine_id: string;
        risk_ahead: number[];
        heads: Record<string, { now: number; by_end: number } | null>;
      }[]
    ).map((m) => [m.machine_id, m]),
  );
  assert.equal(planned.size, rows.length, "the plan covers every machine on the board");
  for (const row of rows) {
    const m = planned.get(row.machine_id);
    assert.ok(m && row.plan_risk, row.machine_id);
    assert.deepEqual(row.plan_risk, {
      by_end: m.risk_ahead[m.risk_ahead.length - 1],
      until: p.horizon.end,
      // The last shift with its date (this contract's clock is UTC): "Sun night, 22 Feb".
      until_label: `${p.horizon.labels[p.horizon.labels.length - 1]}, ${new Date(
        Date.parse(p.horizon.end) - p.horizon.shift_hours * 3_600_000,
      ).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" })}`,
      heads: Object.fromEntries(Object.entries(m.heads).map(([k, h]) => [k, h ? h.by_end : null])),
      made_at: p.made_at,
      model_version: model.version,
      stale: false,
      // The keeper's forecast is calibrated: it counts the part's age when the calibration has its age map.
      part_age: hasAgeMap(model.planCalibration as PlanCalibration),
    });
    assert.ok(row.plan_risk.by_end >= 0 && row.plan_risk.by_end <= 1);
  }
  // The week ahead is not the horizon's risk: somewhere on the fleet the plan's figure is the larger.
  const withHeads = (await app.inject({ url: "/v1/fleet" })).json().machines as {
    failure_probability: number;
    plan_risk: PlanRisk;
  }[];
  assert.ok(withHeads.some((m) => m.plan_risk.by_end > m.failure_probability));
  // The machine page says what its board row says.
  for (const id of ["M01", "M07"])
    assert.deepEqual((await machinePage(id)).plan_risk, rows.find((r) => r.machine_id === id)?.plan_risk, id);
});

test("readings past the plan's first shift make the board's plan_risk stale, and the board does not re-plan", async () => {
  const p = (await app.inject({ url: "/v1/plan" })).json();
  const firstShiftEnd = Date.parse(p.horizon.start) + p.horizon.shift_hours * 3_600_000;
  const later = [...newest.values()].map((r) => ({ ...r, timestamp: new Date(firstShiftEnd).toISOString() }));
  const r = await app.inject({ method: "POST", url: "/v1/predict", payload: later });
  assert.equal(r.statusCode, 200, r.body.slice(0, 300));
  for (let i = 0; i < 3; i++)
    for (const row of await fleet()) {
      assert.equal(row.plan_risk?.stale, true, row.machine_id);
      assert.equal(row.plan_risk?.made_at, p.made_at, "the old plan's numbers, until a re-plan");
    }
  assert.equal((await machinePage("M01")).plan_risk?.stale, true);
  // GET /v1/plan still answers the same plan, stale: no board GET began a new one before it.
  const again = (await app.inject({ url: "/v1/plan" })).json();
  assert.equal(again.made_at, p.made_at);
  assert.equal(again.stale, true);
});

test("the OpenAPI document says what plan_risk is on the board and the machine page", async () => {
  const doc = (await app.inject({ url: "/docs/json" })).json();
  for (const path of ["/v1/fleet", "/v1/machines/{id}"]) {
    const text = doc.paths[path].get.description as string;
    for (const field of ["by_end", "until_label", "heads", "made_at", "model_version", "stale", "part_age"])
      assert.ok(text.includes(field), `${path} names ${field}`);
    assert.match(text, /never makes one/, path);
  }
});
