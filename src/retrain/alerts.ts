// Alertmanager webhook payloads (version 4) and the dedupe/cooldown rule that turns a storm of
// notifications into at most one retraining.
import { MillwrightError } from "../core/errors.js";

export interface AmAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  fingerprint: string;
}

export interface AmPayload {
  version: string;
  groupKey: string;
  status: "firing" | "resolved";
  receiver: string;
  alerts: AmAlert[];
}

export function parseAlertmanagerPayload(body: unknown): AmPayload {
  const bad = (f: string, m: string): never => {
    throw new MillwrightError("MW_VALIDATION", `body.${f}: ${m}`, { field: `body.${f}` });
  };
  if (!body || typeof body !== "object" || Array.isArray(body))
    bad("", "must be an Alertmanager webhook object");
  const o = body as Record<string, unknown>;
  if (o.version !== "4")
    bad("version", `expected "4" (Alertmanager webhook payload version), got ${JSON.stringify(o.version)}`);
  if (!Array.isArray(o.alerts)) bad("alerts", "must be an array");
  const alerts = (o.alerts as unknown[]).map((a, i) => {
    if (!a || typeof a !== "object") bad(`alerts[${i}]`, "must be an object");
    const x = a as Record<string, unknown>;
    if (x.status !== "firing" && x.status !== "resolved")
      bad(`alerts[${i}].status`, "must be firing or resolved");
    const labels = (x.labels ?? {}) as Record<string, string>;
    const fingerprint =
      typeof x.fingerprint === "string" && x.fingerprint
        ? x.fingerprint
        : JSON.stringify(Object.entries(labels).sort());
    return {
      status: x.status,
      labels,
      annotations: (x.annotations ?? {}) as Record<string, string>,
      startsAt: String(x.startsAt ?? ""),
      fingerprint,
    } as AmAlert;
  });
  return {
    version: "4",
    groupKey: String(o.groupKey ?? ""),
    status: o.status === "resolved" ? "resolved" : "firing",
    receiver: String(o.receiver ?? ""),
    alerts,
  };
}

export type TriggerOutcome = "started" | "deduplicated" | "cooldown" | "busy" | "ignored";

/** What the trigger rule needs from the store: kept there so a restart forgets nothing. */
export interface TriggerMemory {
  /**
   * Records a sighting: the first of an episode is kept, and a sighting within the horizon of it
   * returns it (unchanged). Kept from the first, not the last: Alertmanager re-sends a firing group
   * every few minutes, and a window that every re-send restarted never ended (trial 8).
   */
  seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null>;
  /** When the latest retraining was triggered, or null. */
  lastTrigger(): Promise<number | null>;
}

/**
 * Decides whether a firing alert may start a retraining: a fingerprint first seen within the
 * cooldown is a duplicate (so once the cooldown has passed since its first sighting, a still-firing
 * alert may retrain again); any retraining started within the cooldown blocks another; one at a time. The
 * sightings and the last trigger live in the store (issue 18: in memory, a restart forgot them and
 * a replayed alert started a second retraining). Callers decide one alert at a time.
 */
export async function decideTrigger(
  memory: TriggerMemory,
  alert: AmAlert,
  now: number,
  running: boolean,
  cooldownMs: number,
): Promise<TriggerOutcome> {
  if (alert.status !== "firing") return "ignored";
  const prev = await memory.seenAlert(alert.fingerprint, now, now - cooldownMs);
  if (prev !== null && now - prev < cooldownMs) return "deduplicated";
  if (running) return "busy";
  const last = await memory.lastTrigger();
  if (last !== null && now - last < cooldownMs) return "cooldown";
  return "started";
}

/**
 * The audit row of an alert as received, with what became of it: `outcome`, the run it started, or
 * when the cooldown holding it back ends (trial 8: the outcome was only in the webhook's answer,
 * which Alertmanager throws away, so an alert met by the cooldown left no trace of why).
 */
export function alertAudit(
  a: AmAlert,
  at: number,
  what: { outcome: TriggerOutcome; run?: string; until?: number | null },
) {
  return {
    at,
    kind: "alert" as const,
    payload: {
      status: a.status,
      alertname: a.labels.alertname ?? "unknown",
      severity: a.labels.severity ?? null,
      summary: a.annotations.summary ?? null,
      fingerprint: a.fingerprint,
      ...(a.labels.group ? { group: a.labels.group } : {}),
      outcome: what.outcome,
      ...(what.run ? { run: what.run } : {}),
      ...(what.until != null ? { retry_after: new Date(what.until).toISOString() } : {}),
    },
  };
}
