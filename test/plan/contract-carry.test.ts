// plan/carry.ts, the parts a server test cannot reach: which tasks are in progress at a time, the
// carried task's event on a clock and on a counter (the plan's shifts on the wall clock, the
// machine's time a count), a task whose event sets a reading, and the summary's totals.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Contract, ContractTasks } from "../../src/contract/types.js";
import type { PlanMachine } from "../../src/plan/contract-forecast.js";
import type { ContractPlan } from "../../src/plan/contract-plan.js";
import type { ContractPlannedTask } from "../../src/plan/contract-report.js";
import { carryInto, doneBefore, tasksInProgress, withCarriedEvents } from "../../src/plan/carry.js";

const H = 3_600_000;
const T0 = Date.parse("2026-02-19T06:00:00.000Z");

function task(machine: string, head: string, shift: number, over: Partial<ContractPlannedTask> = {}) {
  const start = new Date(T0 + shift * 8 * H).toISOString();
  return {
    id: `${machine}.${head}.${start}`,
    machine_id: machine,
    machine_model: null,
    task: `${head}_task`,
    task_words: `${head} task`,
    head,
    mode: head,
    modes: [head],
    shift: { index: shift, start, end: new Date(T0 + (shift + 1) * 8 * H).toISOString(), label: `s${shift}` },
    technician: "Ana",
    hours: 2,
    failure_cost: 1000,
    reach: 1,
    risk_before: 0.2,
    risk_after: 0.01,
    avoided_cost: 190,
    planned_cost: 50,
    why: "",
    status: "planned",
    ...over,
  } as ContractPlannedTask;
}

const plan = (tasks: ContractPlannedTask[], start = T0) =>
  ({
    horizon: { start: new Date(start).toISOString(), shift_hours: 8 },
    summary: { avoided_cost: 1000, planned_cost: 100 },
    tasks,
  }) as unknown as ContractPlan;

test("in progress: the shift began before now and ends after it, and the task has no outcome", () => {
  const a = task("M1", "pump", 0);
  const b = task("M2", "pump", 0);
  const later = task("M3", "pump", 1);
  const prev = plan([a, b, later]);
  const ids = (ts: ContractPlannedTask[]) => ts.map((t) => t.id);
  assert.deepEqual(ids(tasksInProgress(prev.tasks, new Set(), T0 + 3 * H, 8)), [a.id, b.id]);
  assert.deepEqual(
    ids(tasksInProgress(prev.tasks, new Set([b.id]), T0 + 3 * H, 8)),
    [a.id],
    "marked: not carried",
  );
  assert.deepEqual(
    ids(tasksInProgress(prev.tasks, new Set(), T0, 8)),
    [],
    "at its start the shift is the new plan's first",
  );
  assert.deepEqual(ids(tasksInProgress(prev.tasks, new Set(), T0 + 8 * H, 8)), [], "at its end it is over");
  assert.deepEqual(ids(tasksInProgress(prev.tasks, new Set(), T0 + 9 * H, 8)), [later.id]);
  assert.deepEqual(tasksInProgress([], new Set(), T0 + H, 8), []);
});

const contract = (counter: boolean) =>
  ({
    time: { counter },
    events: [
      { name: "alarms", kinds: ["x"] },
      { name: "maintenance", kinds: ["pump", "wear"] },
    ],
  }) as unknown as Contract;
const tasks = {
  heads: [
    { head: "pump", task: { event: { table: "maintenance", kind: "pump" } } },
    { head: "tool_wear", task: { event: { reading: "tool_wear", value: 0 } } },
  ],
} as unknown as ContractTasks;
const machine = (id: string, time: number): PlanMachine => ({
  id,
  model: null,
  attributes: {},
  state: { time, row: new Float64Array(1), later: [{ table: 0, kind: "x", time: time - 1 }] },
});

test("a carried task's event: at its shift start on a clock, at the machine's count on a counter; the snapshots are not changed", () => {
  const carried = [task("M1", "pump", 0), task("M1", "tool_wear", 0)];
  const clock = [machine("M1", T0 + 2 * H), machine("M2", T0 + 2 * H)];
  const out = withCarriedEvents(contract(false), tasks, clock, carried);
  assert.deepEqual(out[0].state.later, [
    { table: 0, kind: "x", time: T0 + 2 * H - 1 },
    { table: 1, kind: "pump", time: T0 },
  ]);
  // The tool wear task sets a reading: nothing `later` holds (it is only kept from being planned again).
  assert.equal(out[1], clock[1], "another machine: as it was");
  assert.equal(clock[0].state.later.length, 1, "the service's snapshot is not changed");
  const counted = withCarriedEvents(contract(true), tasks, [machine("M1", 5120)], carried);
  assert.deepEqual(counted[0].state.later[1], { table: 1, kind: "pump", time: 5120 });
});

test("carried into the new plan: first, marked, index -1, and in the summary's totals", () => {
  const a = task("M1", "pump", 0, { status_at: "x" });
  const next = plan([task("M2", "pump", 1)], T0 + 8 * H);
  const out = carryInto(next, [a, task("M9", "pump", 1)]);
  assert.deepEqual(
    out.tasks.map((t) => [t.id, t.shift.index, t.carried ?? false]),
    [
      [a.id, -1, true],
      [next.tasks[0].id, 1, false],
    ],
    "a task of the new horizon's own shifts is not carried",
  );
  assert.equal(out.tasks[0].status_at, undefined);
  assert.deepEqual(out.summary.carried, { tasks: 1, avoided_cost: 190, planned_cost: 50 });
  assert.equal(out.summary.avoided_cost, 1190);
  assert.equal(out.summary.planned_cost, 150);
});

test("a booking of a job done in an earlier or the same shift is over: not carried (trial 10)", () => {
  const wed = task("M1", "pump", 0);
  const thu = task("M1", "pump", 3);
  const other = task("M2", "pump", 3);
  const otherTask = task("M1", "spindle", 3);
  assert.deepEqual(doneBefore([wed, thu, other, otherTask], [wed]), [thu.id]);
  assert.deepEqual(doneBefore([wed, thu], [thu]), [], "a later done does not end an earlier booking");
  assert.deepEqual(doneBefore([thu], []), []);
});
