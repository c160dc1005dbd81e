// What became of a planned task (done or skipped, with a reason), and the port the plan keeper keeps
// them through: the contract's audit store (serve/contract/audit.ts, audit-postgres.ts), so a
// restart forgets no skipped task (it was planned again) and the replicas of a cluster share one
// list. Its own file so the stores take the types without the keeper.

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
}
