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

/**
 * Decides per firing alert whether it may start a retraining: a fingerprint seen within the cooldown
 * is a duplicate; any retraining started within the cooldown blocks another; one at a time.
 */
export class TriggerGate {
  private readonly seen = new Map<string, number>();
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(private readonly cooldownMs: number) {}

  decide(alert: AmAlert, now: number, running: boolean): TriggerOutcome {
    if (alert.status !== "firing") return "ignored";
    const prev = this.seen.get(alert.fingerprint);
    this.seen.set(alert.fingerprint, now);
    if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value as string);
    if (prev !== undefined && now - prev < this.cooldownMs) return "deduplicated";
    if (running) return "busy";
    if (now - this.lastStart < this.cooldownMs) return "cooldown";
    this.lastStart = now;
    return "started";
  }
}
