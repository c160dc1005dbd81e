// A plan leaves out a machine that stopped reporting (shop D's decommissioned CNC-0109 was offered
// tasks 15 days after its last reading), but not one that was off for a weekend, nor any machine on
// a counter time, where each machine's count is its own clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import { leaveOutSilent } from "../../src/plan/contract-silent.js";

const DAY = 24 * 3600_000;
const T = Date.parse("2026-11-17T04:00:00Z");
const machine = (id: string, daysAgo: number): PlanMachine => ({
  id,
  model: null,
  attributes: {},
  state: { time: T - daysAgo * DAY, row: new Float64Array(1), later: [] },
});
const fleet = [machine("CNC-0101", 0), machine("CNC-0102", 2.5), machine("CNC-0109", 15)];

test("a machine silent for longer than the plan looks ahead (and a week) is left out, named", () => {
  const r = leaveOutSilent(fleet, 7 * DAY, false);
  assert.deepEqual(
    r.kept.map((m) => m.id),
    ["CNC-0101", "CNC-0102"],
  );
  assert.equal(r.warnings.length, 1);
  assert.match(
    r.warnings[0],
    /^CNC-0109: no reading since 2026-11-02T04:00:00\.000Z, 15\.0 days before the fleet's newest \(2026-11-17T04:00:00\.000Z\), .*\(7\.0 days\): left out of the plan/,
  );
});

test("a weekend off stays in a one-day plan; a longer plan keeps a longer silence; a counter keeps all", () => {
  assert.equal(leaveOutSilent(fleet, 1 * DAY, false).kept.length, 2, "2.5 days silent is within a week");
  assert.equal(leaveOutSilent(fleet, 21 * DAY, false).kept.length, 3, "15 days is within a 21-day plan");
  assert.equal(leaveOutSilent(fleet, 7 * DAY, true).kept.length, 3);
  assert.deepEqual(leaveOutSilent([], 7 * DAY, false), { kept: [], warnings: [] });
});
