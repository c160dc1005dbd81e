// The shift in progress at a re-plan. A plan starts at the first shift boundary after its data time,
// so a plan re-made in the middle of a shift (a task done, an upload, readings past the first shift)
// would drop that shift's open tasks: a technician replacing a pump right now saw the task vanish,
// and the new plan could book the same task again later (customer trial, the dashboard). The keeper
// (keeper.ts) carries them: they keep their id, technician, shift and numbers, marked `carried`,
// and the new solve treats them as done: their event is added to the machine's events after its
// last reading (RowState.later), and the same machine's same task is not planned again.
// Pure: the caller passes the previous plan, the outcomes and the time.
import type { Contract, ContractTasks } from "../contract/types.js";
import { resolveHead } from "../contract/task-overrides.js";
import type { KnownEvent } from "../features/forecast-row.js";
import type { PlanMachine } from "./contract-forecast.js";
import type { ContractPlan } from "./contract-plan.js";
import { type ContractPlannedTask, r2 } from "./contract-report.js";

/**
 * The previous plan's tasks (or, after a restart, the kept ones: keeper.ts) under way at `now` (ms;
 * the new plan's start time: the fleet's data time on a clock, the wall clock on a counter): their
 * shift began before `now` and ends after it, and no one marked them done or skipped. A task carried
 * before and still open is carried again.
 */
export function tasksInProgress(
  previous: readonly ContractPlannedTask[],
  marked: ReadonlySet<string>,
  now: number,
  shiftHours: number,
): ContractPlannedTask[] {
  return previous.filter((t) => {
    const start = Date.parse(t.shift.start);
    // `end` is the calendar's (a night of a clock change is 7 or 9 h); a task of an older plan without it: the shift's length.
    const end = t.shift.end ? Date.parse(t.shift.end) : start + shiftHours * 3_600_000;
    return start < now && now < end && !marked.has(t.id);
  });
}

/**
 * The ids of `tasks` whose machine's same task was marked done in an earlier or the same shift (`done`:
 * the bookings marked done): that job is over, so its later booking is not carried (trial 10: a
 * Wednesday job marked done on Thursday left Thursday's re-booking carried, and the part booked twice).
 */
export function doneBefore(
  tasks: readonly ContractPlannedTask[],
  done: readonly ContractPlannedTask[],
): string[] {
  return tasks
    .filter((t) =>
      done.some(
        (b) =>
          b.id !== t.id &&
          b.machine_id === t.machine_id &&
          b.task === t.task &&
          Date.parse(b.shift.start) <= Date.parse(t.shift.start),
      ),
    )
    .map((t) => t.id);
}

/**
 * The machines with each carried task's event added after their last reading, as a task marked done
 * while no reading came would be: the new solve's risks for that head are as after the task, and its
 * minimum interval runs from it. Copies: the service's snapshots are not changed. The event's time:
 * on a clock, the task's shift start (the part is new from the shift it is replaced in); on a
 * counter, the machine's last count (the plan's shifts are on the wall clock, which a counter does
 * not map back to; done marks it at the machine's count too). A task whose event sets a reading
 * (tool wear to 0) has nothing `later` can hold: it is skipped here, and only kept from being
 * planned again (UnderWay).
 */
export function withCarriedEvents(
  c: Contract,
  tasks: ContractTasks,
  machines: readonly PlanMachine[],
  carried: readonly ContractPlannedTask[],
): PlanMachine[] {
  if (carried.length === 0) return [...machines];
  const counter = c.time?.counter !== false;
  return machines.map((m) => {
    const events: KnownEvent[] = [];
    for (const t of carried) {
      if (t.machine_id !== m.id) continue;
      const head = tasks.heads.find((h) => h.head === t.head);
      const e = head ? resolveHead(head, m.id, m.attributes).task?.event : undefined;
      if (!e || !("table" in e)) continue;
      const table = c.events.findIndex((x) => x.name === e.table);
      if (table < 0) continue;
      events.push({ table, kind: e.kind, time: counter ? m.state.time : Date.parse(t.shift.start) });
    }
    return events.length === 0 ? m : { ...m, state: { ...m.state, later: [...m.state.later, ...events] } };
  });
}

/**
 * The new plan with the carried tasks first: marked `carried`, their shift index -1 (the shift before
 * the new horizon: index 0 is the new plan's first shift), and their avoided and planned costs in the
 * summary's totals (they are still to be done), also said apart in `summary.carried`.
 */
export function carryInto(plan: ContractPlan, carried: readonly ContractPlannedTask[]): ContractPlan {
  const start = Date.parse(plan.horizon.start);
  const rows: ContractPlannedTask[] = carried
    .filter((t) => Date.parse(t.shift.start) < start)
    .map(({ status_at: _a, skipped_reason: _r, ...t }) => ({
      ...t,
      shift: { ...t.shift, index: -1 },
      status: "planned" as const,
      carried: true,
    }));
  const sum = (k: "avoided_cost" | "planned_cost") => rows.reduce((a, t) => a + t[k], 0);
  return {
    ...plan,
    summary: {
      ...plan.summary,
      avoided_cost: r2(plan.summary.avoided_cost + sum("avoided_cost")),
      planned_cost: r2(plan.summary.planned_cost + sum("planned_cost")),
      carried: {
        tasks: rows.length,
        avoided_cost: r2(sum("avoided_cost")),
        planned_cost: r2(sum("planned_cost")),
      },
    },
    tasks: [...rows, ...plan.tasks],
  };
}
