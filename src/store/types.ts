// What a server keeps beside its history log (serve/contract/audit*.ts): monitoring snapshots and
// the retraining audit.

export interface MonitorSnapshot {
  at: number;
  modelVersion: string;
  /** The JSON the monitor computed (drift, quality), stored as history. */
  payload: unknown;
}

/** A data-contract server's monitoring history (beside its retraining audit: serve/contract/audit*.ts). */
export interface MonitorSnapshotStore {
  /**
   * Keeps `s` (and only the newest MONITOR_HISTORY_KEEP); with `unlessAfter`, not when a snapshot
   * newer than that is kept already (decided atomically: replicas sharing the history on a timer
   * keep one point per interval between them). True when kept.
   */
  saveSnapshot(s: MonitorSnapshot, unlessAfter?: number): Promise<boolean>;
  /** The `limit` most recent snapshots, newest first. */
  listSnapshots(limit: number): Promise<MonitorSnapshot[]>;
}

export interface AuditEvent {
  at: number;
  kind: string;
  payload: unknown;
}

/** An audit event as stored, with its id: the cursor for paging (ids grow with insertion). */
export interface StoredAuditEvent extends AuditEvent {
  id: number;
}

export interface AuditQuery {
  /** Only these kinds (default: every kind). */
  kinds?: string[];
  /** At most this many (default 100). */
  limit?: number;
  /** Only events with an id below this: the next page after a page whose last id this is. */
  before?: number;
}
