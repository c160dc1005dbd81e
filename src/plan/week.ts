// The week's planned work against what became of it (trial 9: the page listed only the marked tasks,
// unmarked tasks whose shift had passed vanished, and the plan's "week" rolled with every re-plan, so
// a manager could not see this week's score). A task counts as planned once it was in the plan when
// its shift began (the keeper keeps those: plan/outcomes.ts replacePlanTasks), or is in the current
// plan for a shift to come this week. A machine's task booked in several shifts (skipped, or passed
// unmarked, and re-planned) is one job until it is done (trial 10: one bearing job skipped six times
// counted six, and the week's avoided cost passed the fleet's whole expected loss). Pure: the caller
// passes the tasks, the outcomes and the time.
import type { ContractPlannedTask } from "./contract-report.js";
import { r2 } from "./contract-report.js";
import type { TaskOutcome } from "./outcomes.js";

const DAY = 86_400_000;

export type WeekStatus = "done" | "skipped" | "not_marked" | "in_progress" | "to_come";

/** One booking of a job: a task of a plan for one shift, and what became of it. */
export interface WeekBooking {
  id: string;
  shift: { start: string; end: string; label: string };
  status: WeekStatus;
  at?: string;
  reason?: string;
}

/**
 * A job of the week: one machine's task, however many shifts the plans booked it in (re-planned after
 * a skip or a shift that passed unmarked), until it is done. Its numbers and status are its done
 * booking's, else its latest's; `bookings` are every shift it was in, oldest first.
 */
export interface WeekTask {
  id: string;
  machine_id: string;
  task: string;
  task_words: string;
  technician: string;
  shift: { start: string; end: string; label: string };
  hours: number;
  avoided_cost: number;
  planned_cost: number;
  status: WeekStatus;
  /** When it was marked (done or skipped). */
  at?: string;
  reason?: string;
  bookings: WeekBooking[];
}

export interface WeekTally {
  tasks: number;
  hours: number;
  /** The expected failure cost the tasks avoid, as their plan estimated it. */
  avoided_cost: number;
  planned_cost: number;
}

export interface WeekView {
  /** The shop's week: Monday's first shift to the next Monday's (the shifts' clock). */
  start: string;
  end: string;
  planned: WeekTally;
  by_status: Record<WeekStatus, WeekTally>;
  /** The week's jobs, by their shift; the ones to come are the current plan's. */
  tasks: WeekTask[];
}

/**
 * The start of the shop's week holding `t` (ms): the Monday whose first shift (local `dayStartHour`)
 * is the latest at or before `t`. `offsetAt`: the shop's offset from UTC at an instant, minutes.
 */
export function weekStartOf(t: number, dayStartHour: number, offsetAt: (t: number) => number): number {
  const local = t + offsetAt(t) * 60_000 - dayStartHour * 3_600_000;
  const day = Math.floor(local / DAY);
  // Day 0 (1970-01-01) was a Thursday: (day + 3) % 7 is 0 on Mondays.
  const monday = day - ((((day + 3) % 7) + 7) % 7);
  const wall = monday * DAY + dayStartHour * 3_600_000;
  return wall - offsetAt(wall - offsetAt(wall) * 60_000) * 60_000;
}

/**
 * The week [start, start + 7 days) at `now`: `kept` (the tasks kept as planned when their shift began,
 * and the plan's tasks to come), `current` (the served plan's task ids: a kept task to come that the
 * current plan no longer holds was re-planned away and does not count, unless it was marked).
 */
export function weekView(
  kept: readonly ContractPlannedTask[],
  current: ReadonlySet<string>,
  outcomes: readonly TaskOutcome[],
  now: number,
  start: number,
): WeekView {
  const end = start + 7 * DAY;
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const seen = new Set<string>();
  const tasks: WeekTask[] = [];
  for (const t of kept) {
    const s = Date.parse(t.shift.start);
    const e = Date.parse(t.shift.end);
    const o = byId.get(t.id);
    if (s < start || s >= end || seen.has(t.id)) continue;
    if (s > now && !current.has(t.id) && !o) continue;
    seen.add(t.id);
    const status: WeekStatus = o ? o.status : e <= now ? "not_marked" : s <= now ? "in_progress" : "to_come";
    tasks.push({
      id: t.id,
      machine_id: t.machine_id,
      task: t.task,
      task_words: t.task_words,
      technician: t.technician,
      shift: { start: t.shift.start, end: t.shift.end, label: t.shift.label },
      hours: t.hours,
      avoided_cost: t.avoided_cost,
      planned_cost: t.planned_cost,
      status,
      ...(o ? { at: o.at } : {}),
      ...(o?.reason ? { reason: o.reason } : {}),
      bookings: [],
    });
  }
  const jobs = asJobs(tasks);
  const tally = (ts: WeekTask[]): WeekTally => ({
    tasks: ts.length,
    hours: r2(ts.reduce((a, t) => a + t.hours, 0)),
    avoided_cost: r2(ts.reduce((a, t) => a + t.avoided_cost, 0)),
    planned_cost: r2(ts.reduce((a, t) => a + t.planned_cost, 0)),
  });
  const statuses: WeekStatus[] = ["done", "skipped", "not_marked", "in_progress", "to_come"];
  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    planned: tally(jobs),
    by_status: Object.fromEntries(
      statuses.map((s) => [s, tally(jobs.filter((t) => t.status === s))]),
    ) as Record<WeekStatus, WeekTally>,
    tasks: jobs,
  };
}

/** The bookings (one machine's task per shift) as jobs: a machine's task is one job until it is done. */
function asJobs(bookings: WeekTask[]): WeekTask[] {
  const start = (t: WeekTask) => Date.parse(t.shift.start);
  const open = new Map<string, WeekTask[]>();
  const jobs: WeekTask[][] = [];
  for (const b of [...bookings].sort((a, c) => start(a) - start(c) || a.id.localeCompare(c.id))) {
    const key = `${b.machine_id}\u0000${b.task}`;
    let job = open.get(key);
    if (!job) {
      job = [];
      jobs.push(job);
      open.set(key, job);
    }
    job.push(b);
    // Done ends the job: the same task booked after it is another job.
    if (b.status === "done") open.delete(key);
  }
  return jobs
    .map((job) => {
      const rep = job.find((b) => b.status === "done") ?? job[job.length - 1];
      const bookings = job.map(({ id, shift, status, at, reason }) => ({
        id,
        shift,
        status,
        ...(at ? { at } : {}),
        ...(reason ? { reason } : {}),
      }));
      return { ...rep, bookings };
    })
    .sort((a, b) => start(a) - start(b) || a.id.localeCompare(b.id));
}
