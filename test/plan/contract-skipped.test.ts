// A task a technician skipped (the server's outcomes): the planner does not book it again in that
// shift, and the risk it leaves says so, the skips in shift order, and not "the solver left it out
// within its time limit" (trial 10). One hand-made machine whose task is worth 1.5 × its cost.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContractForecast } from "../../src/plan/contract-forecast.js";
import { contractOptions } from "../../src/plan/contract-options.js";
import { describeContractUnplanned } from "../../src/plan/contract-report.js";
import { greedyPlan } from "../../src/plan/greedy.js";
import { buildShifts } from "../../src/plan/shifts.js";
import type { Technician } from "../../src/plan/types.js";
import { flatMachine, spindleSwap } from "../helpers/spindle-task.js";

const S = 21;
const PER_HOUR = 120;
const spec = spindleSwap("spindle bearing swap");
const slots = buildShifts({ startTime: "2026-03-02T06:00:00Z", horizonShifts: S });
const technicians: Technician[] = [{ name: "Ann", skills: ["*"], hoursPerShift: 8 }];
const crew = { technicians, slots, shiftHours: 8 };

const forecast = (skipped: [number, string][]): ContractForecast =>
  flatMachine("M1", spec, 0.02, S, { skipped: new Map(skipped) });

const plan = (skipped: [number, string][]) => {
  const forecasts = [forecast(skipped)];
  const set = contractOptions(crew, forecasts, PER_HOUR);
  const chosen = greedyPlan(set).chosen.map((j) => set.options[j]);
  const ctx = {
    set,
    forecasts,
    slots,
    technicians,
    plannedCostPerHour: PER_HOUR,
    currency: "",
    minReturn: 0,
  };
  return { set, chosen, unplanned: describeContractUnplanned(ctx, chosen, 0.05).unplanned };
};

test("a skipped shift is no candidate; the task moves to the next", () => {
  const free = plan([]);
  assert.deepEqual(
    free.chosen.map((o) => o.shift),
    [0],
  );
  const skipped = plan([[0, "no kit"]]);
  assert.ok(!skipped.set.options.some((o) => o.shift === 0));
  assert.deepEqual(
    skipped.chosen.map((o) => o.shift),
    [1],
  );
});

test("skipped in every shift: the risk left says so, the skips in shift order, and why it is not planned", () => {
  // Given newest first, as the server may list them.
  const all = Array.from({ length: S }, (_, s): [number, string] => [
    S - 1 - s,
    s === 0 ? "crane booked" : "no kit",
  ]);
  const { chosen, unplanned } = plan(all);
  assert.deepEqual(chosen, []);
  assert.equal(unplanned.length, 1);
  const r = unplanned[0].reason;
  assert.ok(
    r.startsWith(
      `the spindle bearing swap was skipped for ${slots[0].label} ("no kit"), ${slots[1].label} ("no kit"), `,
    ),
    r,
  );
  assert.ok(r.includes(`${slots[S - 1].label} ("crane booked"); `), r);
  assert.match(
    r,
    /; it was skipped in every shift a technician with any skill was free for it \(at .+ would avoid/,
  );
  assert.doesNotMatch(r, /time limit|their hours went to tasks worth more/);
});
