import assert from "node:assert/strict";
import { test } from "node:test";
import { MACHINE_MODELS } from "../../src/data/machines.js";
import { SCENARIO_NAMES, SCENARIOS, type ScenarioName, UNSEEN_MODEL } from "../../src/data/scenarios.js";
import { createFleet, type FleetReading, simulateFleet } from "../../src/data/simulate.js";

// Paired runs: the same seed, so each scenario differs from the baseline only by its shift.
const run = (scenario: ScenarioName | null): FleetReading[] =>
  simulateFleet({ machines: 24, days: 10, seed: 11, scenario });
const base = run(null);

const mean = (rows: FleetReading[], f: (r: FleetReading) => number): number =>
  rows.reduce((s, r) => s + f(r), 0) / rows.length;
const rate = (rows: FleetReading[], k: keyof FleetReading): number => mean(rows, (r) => (r[k] === 1 ? 1 : 0));
const diff = (r: FleetReading): number => r.process_temperature - r.air_temperature;

test("every scenario has a name and a one-line description for --help", () => {
  assert.deepEqual(
    SCENARIOS.map((s) => s.name),
    [...SCENARIO_NAMES],
  );
  for (const s of SCENARIOS) {
    assert.ok(s.description.length > 20 && s.description.length < 120, s.name);
    assert.ok(!s.description.includes("\n"));
  }
});

test("hot-summer: air +≥4 K, smaller process–air difference, more HDF", () => {
  const hot = run("hot-summer");
  const dAir = mean(hot, (r) => r.air_temperature) - mean(base, (r) => r.air_temperature);
  assert.ok(dAir >= 4, `air +${dAir} K`);
  assert.ok(mean(hot, diff) < mean(base, diff) - 0.8);
  assert.ok(rate(hot, "hdf") > 3 * rate(base, "hdf"), `HDF ${rate(base, "hdf")} → ${rate(hot, "hdf")}`);
  // Load and tools are untouched.
  assert.equal(rate(hot, "twf"), rate(base, "twf"));
  assert.equal(rate(hot, "pwf"), rate(base, "pwf"));
});

test("new-tool-supplier: tools fail at wear the baseline never failed at, more TWF, less OSF", () => {
  const tools = run("new-tool-supplier");
  const twfWear = (rows: FleetReading[]): number[] => rows.filter((r) => r.twf).map((r) => r.tool_wear);
  assert.ok(Math.min(...twfWear(base)) >= 198);
  const early = twfWear(tools).filter((w) => w < 198);
  assert.ok(early.length > 50, `${early.length} TWF rows below 198 min`);
  assert.ok(rate(tools, "twf") > 2 * rate(base, "twf"), `TWF ${rate(base, "twf")} → ${rate(tools, "twf")}`);
  assert.ok(rate(tools, "osf") < rate(base, "osf") / 2, `OSF ${rate(base, "osf")} → ${rate(tools, "osf")}`);
  assert.ok(mean(tools, (r) => r.tool_wear) < mean(base, (r) => r.tool_wear) - 15);
});

test("heavy-load: torque +12 Nm, more PWF and OSF", () => {
  const heavy = run("heavy-load");
  const dTorque = mean(heavy, (r) => r.torque) - mean(base, (r) => r.torque);
  assert.ok(dTorque > 11 && dTorque < 13, `torque +${dTorque} Nm`);
  assert.ok(rate(heavy, "pwf") > 2 * rate(base, "pwf"));
  assert.ok(rate(heavy, "osf") > 2 * rate(base, "osf"));
  assert.ok(mean(heavy, (r) => r.rotational_speed) < mean(base, (r) => r.rotational_speed) - 100);
});

test("new-machine-model: extra machines of an unseen make that run hotter and heavier", () => {
  const mixed = run("new-machine-model");
  assert.ok(!MACHINE_MODELS.some((m) => m.name === UNSEEN_MODEL.name));
  const unseen = mixed.filter((r) => r.machine_model === UNSEEN_MODEL.name);
  const ids = new Set(unseen.map((r) => r.machine_id));
  assert.equal(ids.size, 6);
  assert.ok(!ids.has("M01") && ids.has("M25"));
  assert.ok(mean(unseen, (r) => r.air_temperature) > mean(base, (r) => r.air_temperature) + 2);
  assert.ok(mean(unseen, diff) < mean(base, diff) - 0.7);
  assert.ok(mean(unseen, (r) => r.torque) > mean(base, (r) => r.torque) + 4);
  assert.ok(rate(unseen, "machine_failure") > 2 * rate(base, "machine_failure"));
  // The original machines read exactly what they read without the scenario.
  const same = mixed.filter((r) => r.machine_model !== UNSEEN_MODEL.name);
  assert.deepEqual(
    same.map((r) => [r.machine_id, r.torque, r.air_temperature]),
    base.map((r) => [r.machine_id, r.torque, r.air_temperature]),
  );
});

test("a scenario switched on mid-stream shifts what follows, and off again", () => {
  const fleet = createFleet({ machines: 8, seed: 3 });
  const before = Array.from({ length: 48 }, () => fleet.tick()).flat();
  fleet.setScenario("hot-summer");
  assert.equal(fleet.scenario, "hot-summer");
  const during = Array.from({ length: 48 }, () => fleet.tick()).flat();
  assert.ok(mean(during, (r) => r.air_temperature) > mean(before, (r) => r.air_temperature) + 4);
  fleet.setScenario("new-machine-model");
  assert.equal(fleet.machines.length, 10);
  assert.equal(fleet.tick().length, 10);
  fleet.setScenario(null);
  assert.equal(fleet.scenario, null);
  assert.equal(fleet.machines.length, 8);
  const after = fleet.tick();
  assert.equal(after.length, 8);
  assert.ok(Math.abs(mean(after, (r) => r.air_temperature) - 300) < 3);
});
