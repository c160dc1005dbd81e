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
  /** Records a sighting; returns the previous one within the horizon (PredictionStore.seenAlert). */
  seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null>;
  /** When the latest retraining was triggered, or null. */
  lastTrigger(): Promise<number | null>;
}

/**
 * Decides whether a firing alert may start a retraining: a fingerprint seen within the cooldown is
 * a duplicate; any retraining started within the cooldown blocks another; one at a time. The
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

/** The audit row of an alert as received (both retraining loops record every alert this way). */
export function alertAudit(a: AmAlert, at: number) {
  return {
    at,
    kind: "alert" as const,
    payload: {
      status: a.status,
      alertname: a.labels.alertname ?? "unknown",
      severity: a.labels.severity ?? null,
      summary: a.annotations.summary ?? null,
      fingerprint: a.fingerprint,
    },
  };
}
