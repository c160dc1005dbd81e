// The retraining audit as people read it (GET /v1/retrain/history, `millwright retrain history`):
// the latest decisions first, whatever else happened since, then one page of the trail. Kinds are
// filtered in the store, before the limit: alerts arrive by the hundred in a storm, and taking the
// last 200 events and dropping alerts afterwards once showed an empty history after 408 alerts.
import type { StoredAuditEvent } from "../store/types.js";
import type { AuditStore } from "./ports.js";

export const RETRAIN_KINDS = ["trigger", "decision", "promotion", "rollback"] as const;

export interface HistoryOptions {
  /** Events per page (default 50). */
  limit?: number;
  /** The `next` cursor of the previous page. */
  before?: number;
  /** Include the alerts themselves (default false: they have /v1/alerts). */
  alerts?: boolean;
  /** Latest decisions shown first (default 10). */
  decisions?: number;
}

export interface HistoryEntry {
  id: number;
  at: string;
  kind: string;
  payload: unknown;
}

export interface RetrainHistory {
  decisions: HistoryEntry[];
  events: HistoryEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}

const entry = (e: StoredAuditEvent): HistoryEntry => ({
  id: e.id,
  at: new Date(e.at).toISOString(),
  kind: e.kind,
  payload: e.payload,
});

export async function retrainHistory(
  store: Pick<AuditStore, "pageAudit">,
  o: HistoryOptions = {},
): Promise<RetrainHistory> {
  const limit = o.limit ?? 50;
  const kinds = o.alerts ? [...RETRAIN_KINDS, "alert"] : [...RETRAIN_KINDS];
  const [decisions, page] = await Promise.all([
    store.pageAudit({ kinds: ["decision"], limit: o.decisions ?? 10 }),
    // One more than asked: tells whether an older page exists without a count query.
    store.pageAudit({ kinds, limit: limit + 1, before: o.before }),
  ]);
  const events = page.slice(0, limit);
  return {
    decisions: decisions.map(entry),
    events: events.map(entry),
    next: page.length > limit ? events[events.length - 1].id : null,
  };
}

/** One line per event for the terminal. */
export function describeEvent(e: HistoryEntry): string {
  const p = (e.payload ?? {}) as Record<string, unknown>;
  const what =
    e.kind === "decision"
      ? `${String(p.verdict)}: ${String(p.reason)}`
      : e.kind === "alert"
        ? `${String(p.alertname)}${p.group ? ` {${String(p.group)}}` : ""} ${String(p.status)}${p.outcome ? `: ${String(p.outcome)}${p.retry_after ? ` until ${String(p.retry_after)}` : ""}` : ""}`
        : e.kind === "promotion" || e.kind === "rollback"
          ? `${String(p.from)} → ${String(p.to)}${p.by ? ` (by ${String(p.by)})` : ""}${p.reason ? `: ${String(p.reason)}` : ""}`
          : e.kind === "trigger"
            ? `${String(p.source ?? "")} ${String(p.alertname ?? "")}`.trim() +
              (p.reason ? `: ${String(p.reason)}` : "")
            : JSON.stringify(p);
  return `${e.at}  #${String(e.id).padEnd(6)} ${e.kind.padEnd(9)} ${what}`;
}
