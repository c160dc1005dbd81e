// What a server's shadow adapter offers the routes, the CLI and the retraining gate: start a
// version in shadow, stop it, and the comparison so far. The shapes here are the API's; an adapter
// decides how it scores and labels (serve/contract/shadow.ts, the one server's).
import type { ShadowComparison } from "../../monitor/shadow.js";
import type { ShadowPeriod } from "../../retrain/shadow-gate.js";

export interface ShadowQueueStats {
  capacity: number;
  waiting: number;
  /** Readings offered to the shadow since it started, scored, and dropped (queue full). */
  offered: number;
  scored: number;
  dropped: number;
  /** Batches whose shadow scores could not be logged (the comparison still has them). */
  log_errors: number;
}

export interface ShadowSummary {
  active: boolean;
  version: string | null;
  /** The champion the pairs were answered by. */
  champion: string;
  started_at: string | null;
  queue: ShadowQueueStats | null;
  comparison: ShadowComparison | null;
  thresholds: { champion: number; shadow: number } | null;
}

/** Also the shadow period a retraining gate runs (retrain/shadow-gate.ts): its start, stop and evidence. */
export interface ShadowControl extends ShadowPeriod {
  /** Loads `ref` (version or alias) and starts scoring in shadow; replaces a shadow already running. */
  start(ref: string): Promise<{ version: string; replaced: string | null }>;
  /** Stops the shadow (none running: a no-op); returns the version stopped. */
  stop(): { stopped: string | null };
  summary(): ShadowSummary;
}
