// The AI4I server's plan (issue 16): freshness (model version, newest reading, when made), stale
// after a promotion or an upload and re-made in the background, and the technicians and costs
// uploads (admin token, checked by the CLI's parsers with errors naming the key path, kept in the
// data directory). A real registry, a real SQLite store and the app listening on a port.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { simulatedMachines, simulateFleet } from "../../src/data/simulate.js";
import { toWire } from "../../src/sim/wire.js";
import { trainAndRegister } from "../../src/registry/training.js";
import { buildApp } from "../../src/serve/app.js";
import { planRoutes } from "../../src/serve/routes/plan.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";
import { jsonClient } from "../helpers/http.js";

const ADMIN = "admin-plan-secret";
let fx: TrainedFixture;
let app: FastifyInstance;
let store: SqliteStore;
let dataDir: string;
let url: string;
let second: string;
let newest: string;

const call = jsonClient(() => url);

/** The plan once it is no longer stale (the background re-plan finished). */
async function freshPlan() {
  for (let i = 0; i < 200; i++) {
    const p = await call("GET", "/v1/plan");
    assert.equal(p.status, 200, JSON.stringify(p.body));
    if (!p.body.stale) return p.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the plan stayed stale");
}

before(async () => {
  fx = trainedRegistry({ machines: 6, days: 10 });
  second = trainAndRegister(
    fx.registry,
    { rows: fx.rows, data: { file: fx.dataFile, sha256: "second" } },
    { seed: 2, params: { nEstimators: 10 } },
  ).version;
  dataDir = mkdtempSync(join(tmpdir(), "mw-plan-up-"));
  store = new SqliteStore({ path: join(dataDir, "p.db") });
  await store.init();
  app = await buildApp({
    registry: fx.registry,
    store,
    tokens: { admin: ADMIN, feedback: "f", hook: "h" },
    maxBatch: 1000,
    // The readings below come from a simulated fleet of 6: those machines are the shop's.
    knownMachines: simulatedMachines(6),
    plugins: [(a, ctx) => void planRoutes(a, ctx, { dataDir })],
  });
  url = await app.listen({ host: "127.0.0.1", port: 0 });
  const rows = simulateFleet({ machines: 6, days: 2, seed: 11 });
  newest = new Date(rows.reduce((m, r) => Math.max(m, Date.parse(r.timestamp)), 0)).toISOString();
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500).map(toWire);
    const res = await call("POST", "/v1/predict", batch);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
});
after(async () => {
  await app.close();
  await store.close();
  fx.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a plan says which model made it, from data up to when, and when", async () => {
  const p = await freshPlan();
  assert.deepEqual(p.model, { name: p.model.name, version: "1.0.0" });
  assert.equal(p.data_time, newest);
  assert.ok(Math.abs(Date.parse(p.made_at) - Date.now()) < 60_000, p.made_at);
  assert.equal(p.stale, false);
  assert.match(p.technicians_source, /examples\/technicians\.yaml$/);
});

test("a machine's page data carries the plan's risk ahead: per shift, never falling, the plan's own numbers", async () => {
  const p = await freshPlan();
  const id = "M01";
  const m = await call("GET", `/v1/machines/${id}`);
  assert.equal(m.status, 200, JSON.stringify(m.body));
  const ahead = m.body.risk_ahead;
  assert.equal(ahead.model_version, p.model.version);
  assert.equal(ahead.shifts.length, p.horizon.shifts);
  assert.deepEqual(
    ahead.shifts.map((s: { label: string }) => s.label),
    p.horizon.labels,
  );
  assert.equal(ahead.shifts[0].start, p.horizon.start);
  const risk = ahead.shifts.map((s: { risk: number }) => s.risk);
  assert.deepEqual(risk, p.risk_ahead.find((r: { machine_id: string }) => r.machine_id === id).risk);
  risk.forEach((r: number, i: number) => {
    assert.ok(r >= 0 && r <= 1, `shift ${i}: ${r}`);
    if (i > 0) assert.ok(r >= risk[i - 1], `a cumulative risk never falls (shift ${i})`);
  });
});

test("uploads need the admin token and are checked as the CLI checks a file", async () => {
  const techs = "technicians:\n  - { name: Eve Stone, skills: ['*'], hours_per_shift: 8 }\n";
  assert.equal((await call("PUT", "/v1/plan/technicians", { yaml: techs })).status, 401);
  assert.equal((await call("PUT", "/v1/plan/technicians", { yaml: techs }, "wrong")).status, 401);
  const bad = await call(
    "PUT",
    "/v1/plan/technicians",
    { yaml: "technicians:\n  - { name: Eve, skills: ['*'], hour_per_shift: 8 }\n" },
    ADMIN,
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, "MW_CONFIG");
  assert.match(bad.body.detail, /uploaded technicians: technicians\[0\]\.hour_per_shift: unknown key/);
  const badCosts = await call(
    "PUT",
    "/v1/plan/costs",
    { yaml: "failure:\n  twf: { downtime_hours: -3 }\n" },
    ADMIN,
  );
  assert.equal(badCosts.status, 400);
  assert.equal(badCosts.body.code, "MW_CONFIG");
  assert.match(badCosts.body.detail, /uploaded costs: failure\.twf\.downtime_hours/);
  const noYaml = await call("PUT", "/v1/plan/costs", { text: "x" }, ADMIN);
  assert.equal(noYaml.status, 400);
  assert.equal(noYaml.body.code, "MW_VALIDATION");
  // Nothing was kept from the refused ones.
  assert.equal(existsSync(join(dataDir, "plan-technicians.yaml")), false);
  assert.equal(existsSync(join(dataDir, "plan-costs.yaml")), false);
});

test("a technicians upload makes the plan stale; the next plan has only the uploaded technician", async () => {
  await freshPlan();
  const techs = "technicians:\n  - { name: Eve Stone, skills: ['*'], hours_per_shift: 8 }\n";
  const up = await call("PUT", "/v1/plan/technicians", { yaml: techs }, ADMIN);
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.deepEqual(up.body.technicians, ["Eve Stone"]);
  assert.equal(readFileSync(join(dataDir, "plan-technicians.yaml"), "utf8"), techs);
  const right = await call("GET", "/v1/plan");
  if (right.body.stale) assert.equal(right.body.stale_reason, "new technicians were uploaded");
  const p = await freshPlan();
  assert.deepEqual(
    p.technicians.map((t: { name: string }) => t.name),
    ["Eve Stone"],
  );
  assert.equal(p.technicians_source, join(dataDir, "plan-technicians.yaml"));
  for (const t of p.tasks) assert.equal(t.technician, "Eve Stone");
});

test("a costs upload re-plans with the uploaded costs", async () => {
  const before = await freshPlan();
  // Failures ten times dearer: every task's planned cost is unchanged, what it avoids grows.
  const yaml = "failure:\n  default: { cost_per_hour: 4000 }\nplanned: { cost_per_hour: 60 }\n";
  const up = await call("PUT", "/v1/plan/costs", { yaml }, ADMIN);
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.equal(up.body.planned_cost_per_hour, 60);
  assert.equal(up.body.failure_cost.twf, 3 * 4000 + 600);
  const after = await freshPlan();
  assert.equal(after.costs_source, join(dataDir, "plan-costs.yaml"));
  assert.ok(after.summary.expected_failure_cost > before.summary.expected_failure_cost * 5);
  // Planned work at 60 an hour instead of 120: every task's planned cost drops by 60 × its hours.
  const was = new Map(
    before.tasks.map((t: { task: string; planned_cost: number }) => [t.task, t.planned_cost]),
  );
  assert.ok(after.tasks.length > 0);
  for (const t of after.tasks)
    if (was.has(t.task))
      assert.equal(t.planned_cost, Math.round(((was.get(t.task) as number) - 60 * t.hours) * 100) / 100);
});

test("a promotion makes the plan stale; the next plan is the new model's", async () => {
  await freshPlan();
  const r = await call("POST", `/v1/models/${second}/promote`, {}, ADMIN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const right = await call("GET", "/v1/plan");
  assert.equal(right.body.stale, true);
  assert.equal(right.body.stale_reason, `the served model is now ${second}`);
  assert.equal(right.body.model.version, "1.0.0");
  const p = await freshPlan();
  assert.equal(p.model.version, second);
});

test("a re-plan with other inputs during a background re-plan gets its own inputs, not the other solve", async () => {
  await freshPlan();
  const techs = "technicians:\n  - { name: Ben Night, skills: ['*'], hours_per_shift: 6 }\n";
  const up = await call("PUT", "/v1/plan/technicians", { yaml: techs }, ADMIN);
  assert.equal(up.status, 200, JSON.stringify(up.body));
  // The upload started a background re-plan of 21 shifts; this one asks for 6.
  const r = await call("POST", "/v1/plan", { horizon_shifts: 6 }, ADMIN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.horizon.shifts, 6);
  assert.deepEqual(
    r.body.technicians.map((t: { name: string }) => t.name),
    ["Ben Night"],
  );
  const p = await freshPlan();
  assert.equal(p.horizon.shifts, 6, "the last asked inputs stand");
});
