// What a data-contract server's retraining loop needs from the server around it: where its audit
// trail is kept, and where its counts go (/metrics). Its own file so that the loop
// (contract-service.ts) and the shadow gate (shadow-gate.ts) both take them without importing each other.
import type { AuditEvent, AuditQuery, StoredAuditEvent } from "../store/types.js";
import type { TriggerOutcome } from "./alerts.js";

export interface AuditStore {
  appendAudit(e: AuditEvent): Promise<void>;
  pageAudit(q: AuditQuery): Promise<StoredAuditEvent[]>;
  seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null>;
}

export interface RetrainCounters {
  trigger(outcome: TriggerOutcome): void;
  decision(verdict: "promoted" | "kept" | "failed" | "shadow"): void;
  running(on: boolean): void;
}
