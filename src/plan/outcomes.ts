// What became of a planned task (done or skipped, with a reason), and the port the plan keeper keeps
// them through: the contract's audit store (serve/contract/audit.ts, audit-postgres.ts), so a
// restart forgets no skipped task (it was planned again) and the replicas of a cluster share one
// list. The same store keeps the plan's tasks as they stood when their shift began, so the week's
// planned work can be set against what was done (plan/week.ts). Its own file so the stores take the
// types without the keeper.
import type { ContractPlannedTask } from "./contract-report.js";

export interface TaskOutcome {
  id: string;
  machine_id: string;
  task: string;
  shift: string;
  status: "done" | "skipped";
  at: string;
  reason?: string;
  /** The maintenance event it became (done tasks whose contract task has an event table). */
  event_id?: string;
}

/**
 * How long a recorded outcome is loaded back: twice the longest horizon a plan may look ahead
 * (14 days, serve/plan-horizon.ts), so a task skipped for a shift at the far end of a plan is
 * still known as skipped whenever a later plan holds that shift again.
 */
export const OUTCOMES_KEPT_MS = 28 * 86_400_000;

/** A skipped task may still be done later; anything else twice is a conflict. */
export const mayFollow = (prior: TaskOutcome["status"], next: TaskOutcome["status"]): boolean =>
  prior === "skipped" && next === "done";

export interface OutcomeStore {
  /**
   * Writes `o` durably (recorded at `recordedAt`, ms), replacing the task's earlier outcome when
   * mayFollow allows; otherwise writes nothing and returns the outcome already there (as one step:
   * two replicas marking one task at once cannot both succeed).
   */
  recordOutcome(o: TaskOutcome, recordedAt: number): Promise<TaskOutcome | null>;
  /** The outcomes recorded at or after `since` (ms), oldest first. */
  listOutcomes(since: number): Promise<TaskOutcome[]>;
  /**
   * A new plan made at `now` (ms): the kept tasks whose shift starts at or after `now` are dropped
   * (the new plan replaces them) unless they have an outcome; those whose shift began before it stay
   * (they were the plan when their shift began); `tasks` are written over them by id; tasks whose
   * shift began before `keepSince` are forgotten. One transaction.
   */
  replacePlanTasks(now: number, tasks: readonly ContractPlannedTask[], keepSince: number): Promise<void>;
  /** The kept tasks whose shift starts at or after `since` (ms), by shift start. */
  listPlanTasks(since: number): Promise<ContractPlannedTask[]>;
}
