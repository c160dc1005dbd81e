// plan/week.ts: the shop's week (Monday's first shift, on the shop's clock, also across a clock
// change) and each task's status in it, with the week's tallies.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContractPlannedTask } from "../../src/plan/contract-report.js";
import type { TaskOutcome } from "../../src/plan/outcomes.js";
import { weekStartOf, weekView } from "../../src/plan/week.js";
import { zoneOffsetMinutes } from "../../src/data/time-format.js";

const H = 3_600_000;
const utc = () => 0;

test("the week starts at Monday's first shift on the shop's clock", () => {
  // Thursday 2026-02-19 10:00 UTC: that week's Monday is the 16th.
  assert.equal(
    new Date(weekStartOf(Date.parse("2026-02-19T10:00:00Z"), 6, utc)).toISOString(),
    "2026-02-16T06:00:00.000Z",
  );
  // Monday 05:00 is still Sunday's night shift: the week before.
  assert.equal(
    new Date(weekStartOf(Date.parse("2026-02-16T05:00:00Z"), 6, utc)).toISOString(),
    "2026-02-09T06:00:00.000Z",
  );
  assert.equal(
    new Date(weekStartOf(Date.parse("2026-02-16T06:00:00Z"), 6, utc)).toISOString(),
    "2026-02-16T06:00:00.000Z",
  );
  // Berlin: 06:00 local is 05:00 UTC in winter, 04:00 in summer (the clocks went forward on 29 March).
  const berlin = zoneOffsetMinutes("Europe/Berlin");
  assert.equal(
    new Date(weekStartOf(Date.parse("2026-02-19T10:00:00Z"), 6, berlin)).toISOString(),
    "2026-02-16T05:00:00.000Z",
  );
  assert.equal(
    new Date(weekStartOf(Date.parse("2026-04-01T10:00:00Z"), 6, berlin)).toISOString(),
    "2026-03-30T04:00:00.000Z",
  );
  // New York, west of UTC: Sunday 23:00 local is Monday 04:00 UTC, and still the week before.
  const ny = zoneOffsetMinutes("America/New_York");
  assert.equal(
    new Date(weekStartOf(Date.parse("2026-02-16T04:00:00Z"), 6, ny)).toISOString(),
    "2026-02-09T11:00:00.000Z",
  );
});

const MON = Date.parse("2026-02-16T06:00:00Z");

function task(id: string, shift: number, hours = 2, avoided = 100): ContractPlannedTask {
  const start = MON + shift * 8 * H;
  return {
    id,
    machine_id: id.split(".")[0],
    machine_model: null,
    task: "pump_swap",
    task_words: "pump swap",
    head: "pump",
    mode: "pump",
    modes: ["pump"],
    shift: {
      index: shift,
      start: new Date(start).toISOString(),
      end: new Date(start + 8 * H).toISOString(),
      label: `s${shift}`,
    },
    technician: "Ana",
    hours,
    failure_cost: 1000,
    reach: 1,
    risk_before: 0.2,
    risk_after: 0.1,
    avoided_cost: avoided,
    planned_cost: 40,
    why: "",
    status: "planned",
  };
}

const outcome = (id: string, status: "done" | "skipped", reason?: string): TaskOutcome => ({
  id,
  machine_id: id.split(".")[0],
  task: "pump_swap",
  shift: "s",
  status,
  at: "2026-02-17T10:00:00Z",
  ...(reason ? { reason } : {}),
});

test("each task of the week: done, skipped, not marked, in progress or to come, and the tallies", () => {
  const now = MON + 7 * 8 * H + 3 * H; // Wednesday evening, 3 h in
  const kept = [
    task("M0.a", -1), // Sunday night: the week before
    task("M1.a", 0, 2, 100),
    task("M2.a", 1, 3, 200),
    task("M3.a", 2, 1, 50),
    task("M4.a", 7, 2, 80), // in progress
    task("M5.a", 9, 4, 300), // to come, in the current plan
    task("M6.a", 10, 1, 10), // to come, re-planned away
    task("M7.a", 11, 2, 20), // to come, re-planned away but skipped ahead of time
    task("M8.a", 21, 2, 20), // next Monday: the week after
  ];
  const w = weekView(
    kept,
    new Set(["M4.a", "M5.a", "M8.a"]),
    [outcome("M1.a", "done"), outcome("M2.a", "skipped", "no parts"), outcome("M7.a", "skipped", "crane")],
    now,
    weekStartOf(now, 6, utc),
  );
  assert.equal(w.start, "2026-02-16T06:00:00.000Z");
  assert.equal(w.end, "2026-02-23T06:00:00.000Z");
  assert.deepEqual(
    w.tasks.map((t) => [t.id, t.status]),
    [
      ["M1.a", "done"],
      ["M2.a", "skipped"],
      ["M3.a", "not_marked"],
      ["M4.a", "in_progress"],
      ["M5.a", "to_come"],
      ["M7.a", "skipped"],
    ],
  );
  assert.equal(w.tasks[1].reason, "no parts");
  assert.deepEqual(w.planned, { tasks: 6, hours: 14, avoided_cost: 750, planned_cost: 240 });
  assert.deepEqual(w.by_status.done, { tasks: 1, hours: 2, avoided_cost: 100, planned_cost: 40 });
  assert.deepEqual(w.by_status.skipped, { tasks: 2, hours: 5, avoided_cost: 220, planned_cost: 80 });
  assert.deepEqual(w.by_status.not_marked, { tasks: 1, hours: 1, avoided_cost: 50, planned_cost: 40 });
  assert.equal(w.by_status.in_progress.tasks, 1);
  assert.equal(w.by_status.to_come.tasks, 1);
  // The same task kept twice (the store's and the plan's copy) counts once.
  assert.equal(weekView([...kept, ...kept], new Set(), [], now, MON).planned.tasks, 4);
});

test("a machine's task booked in several shifts is one job until it is done (trial 10: six skips counted six)", () => {
  const now = MON + 6 * 8 * H + 1; // Wednesday day, just begun
  const same = (id: string, shift: number) => ({ ...task(id, shift, 6, 900), machine_id: "H03" });
  const kept = [
    same("H03.a.0", 0), // skipped
    same("H03.a.1", 1), // skipped
    same("H03.a.2", 2), // passed unmarked
    same("H03.a.6", 6), // in progress
    same("H03.a.9", 9), // to come
  ];
  const w = weekView(
    kept,
    new Set(["H03.a.9"]),
    [outcome("H03.a.0", "skipped", "no kit"), outcome("H03.a.1", "skipped", "no kit")],
    now,
    MON,
  );
  assert.equal(w.tasks.length, 1);
  assert.equal(w.tasks[0].id, "H03.a.9", "its latest booking");
  assert.equal(w.tasks[0].status, "to_come");
  assert.deepEqual(
    w.tasks[0].bookings.map((b) => [b.id, b.status, b.reason ?? null]),
    [
      ["H03.a.0", "skipped", "no kit"],
      ["H03.a.1", "skipped", "no kit"],
      ["H03.a.2", "not_marked", null],
      ["H03.a.6", "in_progress", null],
      ["H03.a.9", "to_come", null],
    ],
  );
  assert.deepEqual(w.planned, { tasks: 1, hours: 6, avoided_cost: 900, planned_cost: 40 });
  assert.equal(w.by_status.skipped.tasks, 0);
  // Done ends the job: a booking after it is another job; the done one counts with its own numbers.
  const d = weekView(kept, new Set(["H03.a.9"]), [outcome("H03.a.1", "done")], now, MON);
  assert.deepEqual(
    d.tasks.map((j) => [j.id, j.status, j.bookings.length]),
    [
      ["H03.a.1", "done", 2],
      ["H03.a.9", "to_come", 3],
    ],
  );
  assert.equal(d.by_status.done.tasks, 1);
});
