// The plan as the server answers it (GET /v1/plan): the plan with what became of its tasks. Done and
// skipped marks on the rows; a skipped task the plan since dropped (its shift's hours went to other
// work) still listed, as skipped; the totals over the tasks still meant to be done; and the week's
// planned work against what became of it (week.ts). Pure: the keeper passes the plan, the outcomes,
// the kept tasks and the time.
import type { ContractPlan } from "./contract-plan.js";
import { type ContractPlannedTask, r2 } from "./contract-report.js";
import type { TaskOutcome } from "./outcomes.js";
import { DEFAULT_DAY_START_HOUR } from "./shifts.js";
import { type WeekView, weekStartOf, weekView } from "./week.js";

export type ServedPlan = Omit<ContractPlan, "summary"> & {
  /**
   * The plan's summary over the tasks still meant to be done: a skipped task's avoided and planned
   * cost leave the totals (trial 7: the headline still counted a declined task's saving) and are
   * said apart, in `skipped`.
   */
  summary: ContractPlan["summary"] & {
    skipped: { tasks: number; avoided_cost: number; planned_cost: number };
    /** The tasks carried from the shift in progress (plan/carry.ts): in the totals, as still to be done. */
    carried: { tasks: number; avoided_cost: number; planned_cost: number };
  };
  stale: boolean;
  stale_reason: string | null;
  outcomes: TaskOutcome[];
  /** This week's planned tasks against what became of them (plan/week.ts). */
  week: WeekView;
  technicians_source: string;
  /** The costs file the plan used, or "the contract's tasks". */
  costs_source: string;
  /** The currency prefix for amounts (tasks.currency; "" when it names none). */
  currency: string;
};
type Marked = Pick<ServedPlan, "summary" | "tasks" | "outcomes" | "week">;

/**
 * `plan` with `outcomes` on its rows and in its totals, and the week at `now` (ms): `kept` are the
 * plans' tasks as the keeper kept them (keeper.ts keepTasks), `offsetAt` the shop's offset from UTC
 * (minutes) at an instant.
 */
export function withOutcomes(
  plan: ContractPlan,
  outcomes: readonly TaskOutcome[],
  kept: readonly ContractPlannedTask[],
  now: number,
  offsetAt: (t: number) => number,
): Omit<ContractPlan, "summary" | "tasks"> & Marked {
  const byId = new Map(outcomes.map((o) => [o.id, o]));
  const tasks: ContractPlannedTask[] = plan.tasks.map((t) => {
    const o = byId.get(t.id);
    return o
      ? { ...t, status: o.status, status_at: o.at, ...(o.reason ? { skipped_reason: o.reason } : {}) }
      : t;
  });
  const inPlan = new Set(tasks.map((t) => t.id));
  const [hStart, hEnd] = [Date.parse(plan.horizon.start), Date.parse(plan.horizon.end)];
  const dropped = kept.flatMap((t): ContractPlannedTask[] => {
    const o = byId.get(t.id);
    const s = Date.parse(t.shift.start);
    // Of this horizon, or of the shift in progress when it was made (trial 10: a task skipped in the
    // shift in progress left the list while the week counted it).
    const before = s < hStart;
    if (o?.status !== "skipped" || inPlan.has(t.id) || s >= hEnd) return [];
    if (before && Date.parse(t.shift.end) < hStart) return [];
    // Its place in this plan's horizon, counted from the end (the horizon's shifts are of one length);
    // -1: the shift in progress, as a carried task's.
    const index = before
      ? -1
      : plan.horizon.labels.length - Math.round((hEnd - s) / (plan.horizon.shift_hours * 3_600_000));
    return [
      { ...t, shift: { ...t.shift, index }, status: "skipped", status_at: o.at, skipped_reason: o.reason },
    ];
  });
  const inTotals = tasks.filter((t) => t.status === "skipped");
  const skipped = [...inTotals, ...dropped];
  const sum = (ts: ContractPlannedTask[], k: "avoided_cost" | "planned_cost") =>
    ts.reduce((a, t) => a + t[k], 0);
  return {
    ...plan,
    summary: {
      ...plan.summary,
      // The plan's totals counted the skipped tasks it still holds; the dropped ones it never did.
      avoided_cost: r2(plan.summary.avoided_cost - sum(inTotals, "avoided_cost")),
      planned_cost: r2(plan.summary.planned_cost - sum(inTotals, "planned_cost")),
      skipped: {
        tasks: skipped.length,
        avoided_cost: r2(sum(skipped, "avoided_cost")),
        planned_cost: r2(sum(skipped, "planned_cost")),
      },
      carried: plan.summary.carried ?? { tasks: 0, avoided_cost: 0, planned_cost: 0 },
    },
    tasks: dropped.length
      ? [...tasks, ...dropped].sort((a, b) => Date.parse(a.shift.start) - Date.parse(b.shift.start))
      : tasks,
    outcomes: [...outcomes],
    week: weekView(
      [...kept, ...plan.tasks],
      inPlan,
      outcomes,
      now,
      weekStartOf(now, DEFAULT_DAY_START_HOUR, offsetAt),
    ),
  };
}
