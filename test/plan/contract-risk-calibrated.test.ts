// The `calibrated` planning forecast on a trained historian model: the trainer fits and stores the
// planning calibration; its mornings are the planner's own persistence forecast set against what
// followed; contractRisk maps the risk before and every risk after through it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, test } from "node:test";
import { contractMachines } from "../../src/cli/commands/plan-contract.js";
import { loadContract } from "../../src/contract/load.js";
import { type ContractData, readContractData } from "../../src/data/contract-data.js";
import { makeContractPlan } from "../../src/plan/contract-plan.js";
import { cumulative, type PlanMachine } from "../../src/plan/contract-forecast.js";
import { contractRisk } from "../../src/plan/contract-risk.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { labelledFeatures, trainHistoryAndRegister } from "../../src/registry/train-history.js";
import type { HistoryModel } from "../../src/train/history-model.js";
import { calibrateHazard, type PlanCalibration } from "../../src/train/plan-calibration.js";
import { calibrationSamples } from "../../src/train/plan-calibration-samples.js";
import { fmt } from "../../src/evaluate/format.js";
import { historianShop } from "../helpers/historian.js";

const HOUR = 3_600_000;
let model: HistoryModel;
let data: ContractData;
let metricsFile: string;

before(() => {
  const shop = historianShop({ machines: 12, days: 45, seed: 7 }, "mw-ccal-");
  const { contract, text } = loadContract(shop.contract);
  const registry = new ModelRegistry(join(shop.dir, "models"));
  data = readContractData(contract, { learn: true, labels: "require" });
  const v = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
  }).version;
  model = registry.historyModel(v);
  metricsFile = join(registry.versionDir(v), "metrics.json");
});

/** A map that halves the logit's slope: an over-confident forecast pulled towards its base rate. */
const HAND: PlanCalibration = {
  method: "platt-logit",
  anchors: [
    { hours: 24, a: 0.7, b: -1.2, samples: 1, failures: 1 },
    { hours: 168, a: 0.5, b: -1.4, samples: 1, failures: 1 },
  ],
  describe: "hand",
};

test("training stores the planning calibration in the model file, fitted on the validation mornings", () => {
  const cal = model.planCalibration;
  assert.ok(cal, "this seeded shop has enough failures in its validation period");
  const stored = JSON.parse(readFileSync(metricsFile, "utf8")).plan_calibration;
  assert.deepEqual(stored, cal);
  for (const a of cal.anchors) {
    assert.ok(a.failures >= 5 && a.samples > a.failures, JSON.stringify(a));
    assert.ok(a.a >= 0, "a slope below 0 is cut to 0");
  }
  assert.match(cal.describe, /validation mornings every 8 h from \d{4}-\d\d-\d\d/);
  // Never into the test period: every morning's window, and the failures that label it, end by its start.
  const { testFrom } = JSON.parse(readFileSync(metricsFile, "utf8")).split as { testFrom: number };
  assert.ok(
    cal.describe.endsWith(`while the window ends by ${new Date(testFrom).toISOString().slice(0, 10)}`),
    cal.describe,
  );
  // The model card shows it in numbers: 30 % as forecast → what the map says.
  const card = readFileSync(join(metricsFile, "..", "card.md"), "utf8");
  const week = cal.anchors.find((a) => a.hours === 168)!;
  const at30 = 1 / (1 + Math.exp(-(week.a * Math.log(0.3 / 0.7) + week.b)));
  assert.match(card, /## Planning forecast/);
  assert.ok(card.includes(`| 168 h | ${week.samples} | ${week.failures} |`), card);
  assert.ok(card.includes(fmt(at30)), `${fmt(at30)} in the card`);
});

test("calibrated: the risk before mapped through the model's map, a task's risk after by the model's own ratio", () => {
  const m = { ...model, planCalibration: HAND };
  const machines = contractMachines(model);
  const start = Math.max(...machines.map((x) => x.state.time));
  const opts = { model: m, tasks: m.contract.tasks!, start, shifts: 21, shiftHours: 8, machines };
  const plain = contractRisk({ ...opts, forecast: "persistence" });
  const cal = contractRisk({ ...opts, forecast: "calibrated" });
  let lowered = 0;
  plain.forEach((f, i) => {
    f.heads.forEach((h, k) => {
      const c = cal[i].heads[k];
      assert.deepEqual(c.hazard, calibrateHazard(HAND, h.hazard, 8));
      h.hazardAfter!.forEach((row, s) => {
        // The task keeps the model's relative effect on the calibrated risk: before × after ÷ before.
        for (let u = s; u < 21; u++) {
          const want = h.hazard[u] > 0 ? (c.hazard[u] * row[u]) / h.hazard[u] : row[u];
          assert.ok(Math.abs(c.hazardAfter![s][u] - Math.min(1, want)) < 1e-15, `${h.head} ${s} ${u}`);
        }
        // A task that lowers the forecast risk from its shift on still lowers the calibrated one.
        if (cumulative(row, s, 21) < cumulative(h.hazard, s, 21) - 1e-9) {
          assert.ok(cumulative(c.hazardAfter![s], s, 21) < cumulative(c.hazard, s, 21), `${h.head} ${s}`);
          lowered++;
        }
      });
    });
  });
  assert.ok(lowered > 0);
  // A model without a map plans on persistence, and says so.
  const none = contractRisk({ ...opts, model: { ...m, planCalibration: null }, forecast: "calibrated" });
  assert.deepEqual(none, plain);
});

test("the plan names its forecast: the model's map with its numbers, or persistence when it has none", async () => {
  const machines = contractMachines(model);
  const input = {
    machines,
    technicians: [{ name: "Ana", skills: ["*"], hoursPerShift: 8 }],
    startTime: new Date(Math.max(...machines.map((x) => x.state.time))),
    horizonShifts: 21,
    madeAt: new Date("2026-12-03T00:00:00Z"),
    forecast: "calibrated" as const,
  };
  const p = await makeContractPlan({ ...input, model: { ...model, planCalibration: HAND } });
  assert.match(p.forecast_method, /^calibrated: .*168 h: a 0\.50, b -1\.40/);
  const q = await makeContractPlan({ ...input, model: { ...model, planCalibration: null } });
  assert.match(q.forecast_method, /^persistence \(the model has no planning calibration\)/);
});

test("a calibration morning is the planner's own 7-day forecast and what followed; a replacement first cuts it short", () => {
  const { X } = labelledFeatures(data);
  const t = data.telemetry;
  let end = 0;
  for (const x of t.time) end = Math.max(end, x);
  const from = end - 10 * 24 * HOUR;
  const input = {
    model,
    X,
    time: t.time,
    machine: t.machine,
    nMachines: t.machines.length,
    failures: data.failures!,
    resets: null,
    from,
    to: from + 168 * HOUR,
  };
  const week = calibrationSamples(input).find((s) => s.hours === 168)!;
  // Only the first morning's 7 days fit before `to`: one sample per machine and planned head.
  const machines: PlanMachine[] = t.machines.map((id, m) => {
    let last = -1;
    for (let i = 0; i < t.n; i++) if (t.machine[i] === m && t.time[i] < from) last = i;
    return {
      id,
      model: null,
      attributes: {},
      state: { time: t.time[last], row: X.data.slice(last * X.nCols, (last + 1) * X.nCols), later: [] },
    };
  });
  const fc = contractRisk({
    model,
    tasks: model.contract.tasks!,
    machines,
    start: from,
    shifts: 21,
    shiftHours: 8,
  });
  const want: number[] = [];
  const failed: number[] = [];
  const f = data.failures!;
  fc.forEach((x, m) => {
    x.heads.forEach((h) => {
      want.push(cumulative(h.hazard, 0, 21));
      let hit = 0;
      for (let i = 0; i < f.n; i++)
        if (f.machine[i] === m && f.kind[i] === h.head && f.time[i] >= from && f.time[i] < from + 168 * HOUR)
          hit = 1;
      failed.push(hit);
    });
  });
  assert.equal(week.risk.length, want.length);
  week.risk.forEach((r, i) => {
    assert.ok(Math.abs(r - want[i]) < 1e-12, `sample ${i}: ${r} vs ${want[i]}`);
  });
  assert.deepEqual(week.failed, failed);
  // A replacement of machine 0's first planned part 1 h into the week, before any failure: unknown outcome.
  const head = fc[0].heads[0].head;
  const resets = { n: 1, machine: Int32Array.of(0), time: Float64Array.of(from + HOUR), kind: [head] };
  const cut = calibrationSamples({ ...input, resets }).find((s) => s.hours === 168)!;
  assert.equal(cut.risk.length, want.length - 1);
  assert.deepEqual(cut.risk, week.risk.slice(1));
  assert.ok(week.window!.every((w) => w === 168));
  // A replacement 50 h in of a part that did not fail that week: known not to have failed over the
  // 6 whole shifts before it, so a no-failure with its risk over those 6 shifts, not left out (leaving
  // it out kept only the windows that ended in a failure: the parts a policy replaces looked riskier).
  const i = failed.indexOf(0);
  let k = 0;
  let pick: { m: number; head: string; hazard: number[] } | null = null;
  for (const [m, x] of fc.entries())
    for (const h of x.heads) if (k++ === i) pick = { m, head: h.head, hazard: h.hazard };
  const p = pick as unknown as { m: number; head: string; hazard: number[] };
  const later = {
    n: 1,
    machine: Int32Array.of(p.m),
    time: Float64Array.of(from + 50 * HOUR),
    kind: [p.head],
  };
  // A kind that does not happen on two machines (applies: false): their mornings of it are left out,
  // the rest unchanged (they never fail, and would pull the map down where the part exists).
  const gone = fc[0].heads[0].head;
  const tasks = structuredClone(model.contract.tasks!);
  const spec = tasks.heads.find((h) => h.head === gone)!;
  const ids = [t.machines[0], t.machines[1]];
  spec.for = [
    { match: [], machines: ids, label: ids.join(", "), failure: spec.failure, task: null, applies: false },
  ];
  const without = calibrationSamples({
    ...input,
    machineIds: t.machines,
    model: { ...model, contract: { ...model.contract, tasks } },
  }).find((s) => s.hours === 168)!;
  // One morning here: a sample per machine (in order) per planned head.
  const nHeads = fc[0].heads.length;
  const kept = week.risk.flatMap((_, j) => (week.head![j] === gone && Math.floor(j / nHeads) < 2 ? [] : [j]));
  assert.equal(without.risk.length, week.risk.length - 2);
  assert.deepEqual(
    without.risk,
    kept.map((j) => week.risk[j]),
  );
  const short = calibrationSamples({ ...input, resets: later }).find((s) => s.hours === 168)!;
  assert.equal(short.risk.length, want.length);
  assert.equal(short.failed[i], 0);
  assert.equal(short.window![i], 48);
  assert.ok(Math.abs(short.risk[i] - cumulative(p.hazard, 0, 6)) < 1e-12, `${short.risk[i]}`);
  assert.ok(short.risk[i] < week.risk[i]);
  short.risk.forEach((r, j) => {
    if (j !== i) assert.equal(r, week.risk[j]);
  });
});
