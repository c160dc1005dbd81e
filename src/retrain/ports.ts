// What a data-contract server's retraining loop needs from the server around it: where its audit
// trail is kept, and where its counts go (/metrics). Its own file so that the loop
// (contract-service.ts) and the shadow gate (shadow-gate.ts) both take them without importing each other.
import type { AuditEvent, AuditQuery, StoredAuditEvent } from "../store/types.js";
import type { TriggerOutcome } from "./alerts.js";

export interface AuditStore {
  appendAudit(e: AuditEvent): Promise<void>;
  pageAudit(q: AuditQuery): Promise<StoredAuditEvent[]>;
  seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null>;
  /**
   * Runs `fn` alone among every server sharing this audit (cluster mode: a PostgreSQL advisory
   * lock), so two replicas given the same alerts decide them one after the other. A store only one
   * process uses need not have it.
   */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface RetrainCounters {
  trigger(outcome: TriggerOutcome): void;
  decision(verdict: "promoted" | "kept" | "failed" | "shadow" | "dispatched" | "dispatch-failed"): void;
  running(on: boolean): void;
}
