// The plan's risk ahead for a machine, as the fleet board and the machine page show it beside the
// model's risk within the horizon (customer trial, issue 16: the board said spindle bearing 0.9 %
// "within 24h" while the plan booked a replacement at 58 % "by Mon night", and nothing on the board
// joined the two). Read from the plan keeper's latest plan only: a fleet GET is polled and cheap, and
// never makes a plan.
import type { ContractPlan } from "./contract-plan.js";

/** A machine's `plan_risk` in GET /v1/fleet and GET /v1/machines/{id}. */
export interface PlanRisk {
  /** P(a failure of any kind the plan covers by the end of its horizon), nothing done: risk_ahead's last. */
  by_end: number;
  /** The end of the plan's horizon (ISO) and its last shift's label with its date ("Mon night, 14 Dec"). */
  until: string;
  until_label: string;
  /** Per head, the plan's `machines[].heads[head].by_end`; null: the kind does not apply there. */
  heads: Record<string, number | null>;
  made_at: string;
  model_version: string;
  /** The plan is behind (a task done, a new model, data past its first shift): a re-plan is due. */
  stale: boolean;
  /**
   * The forecast counts the part's age (the model's planning calibration has its age map): the
   * reason a part the model scores low now can still be likely to fail within the week.
   */
  part_age: boolean;
}

/** The latest plan's risk ahead by machine id; every machine null before the first plan. */
export function planRisks(
  latest: { plan: ContractPlan; stale: boolean } | null,
  partAge: boolean,
): (machineId: string) => PlanRisk | null {
  if (!latest) return () => null;
  const { plan, stale } = latest;
  const labels = plan.horizon.labels;
  // With its date (trial 10: "by Mon day" read on a Monday means next Monday): the last shift's start
  // on the shifts' clock.
  const lastStart = Date.parse(plan.horizon.end) - plan.horizon.shift_hours * 3_600_000;
  const lastShift = `${labels[labels.length - 1] ?? ""}, ${shiftDate(lastStart, plan.horizon.clock)}`;
  const byId = new Map<string, PlanRisk>();
  for (const m of plan.machines) {
    const ahead = m.risk_ahead;
    // A machine the plan has no forecast for is as one it never saw: null, not a 0 % that reads as safe.
    if (ahead.length === 0) continue;
    byId.set(m.machine_id, {
      by_end: ahead[ahead.length - 1],
      until: plan.horizon.end,
      until_label: lastShift,
      heads: Object.fromEntries(Object.entries(m.heads).map(([k, h]) => [k, h ? h.by_end : null])),
      made_at: plan.made_at,
      model_version: plan.model.version,
      stale,
      part_age: partAge,
    });
  }
  return (id) => byId.get(id) ?? null;
}

/** "14 Dec" on the shifts' clock (an IANA zone; "UTC" or a fixed offset: UTC). */
function shiftDate(t: number, clock: string | undefined): string {
  const o = { day: "numeric", month: "short" } as const;
  try {
    return new Date(t).toLocaleDateString("en-GB", { ...o, timeZone: clock ?? "UTC" });
  } catch {
    return new Date(t).toLocaleDateString("en-GB", { ...o, timeZone: "UTC" });
  }
}
