// Small helpers shared by the end-to-end tests: Alertmanager webhook payloads, reading counters off
// /metrics, the retraining audit, and polling with a deadline that says what it waited for.

export const HOOK_TOKEN = "e2e-hook-token";
export const FEEDBACK_TOKEN = "e2e-feedback-token";
export const ADMIN_TOKEN = "e2e-admin-token";

/** An Alertmanager webhook payload (version 4) holding the given alerts. */
export function amPayload(
  alerts: {
    status: "firing" | "resolved";
    alertname: string;
    fingerprint: string;
    labels?: Record<string, string>;
  }[],
): Record<string, unknown> {
  return {
    version: "4",
    groupKey: '{}/{action="retrain"}:{alertname="MillwrightQualityLow"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    receiver: "millwright-retrain",
    groupLabels: { alertname: alerts[0]?.alertname ?? "" },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: {
        alertname: a.alertname,
        service: "millwright",
        severity: "critical",
        action: "retrain",
        ...a.labels,
      },
      annotations: { summary: `${a.alertname} (e2e)` },
      startsAt: "2026-11-27T12:00:00Z",
      endsAt: a.status === "resolved" ? "2026-11-27T12:05:00Z" : "0001-01-01T00:00:00Z",
      generatorURL: "http://127.0.0.1:9090/graph",
      fingerprint: a.fingerprint,
    })),
  };
}

export async function postHook(url: string, body: unknown, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return fetch(`${url}/v1/hooks/alertmanager`, { method: "POST", headers, body: JSON.stringify(body) });
}

/** The value of one series on /metrics (0 when absent), e.g. metric("…_total", {outcome: "started"}). */
export async function metric(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.indexOf("}")) : "";
    if (want.every((w) => labelText.split(",").includes(w)))
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

export interface AuditEvent {
  at: string;
  kind: "trigger" | "decision" | "promotion" | string;
  payload: Record<string, unknown>;
}

export async function retrainHistory(url: string): Promise<{ running: boolean; events: AuditEvent[] }> {
  return (await (await fetch(`${url}/v1/retrain/history`)).json()) as {
    running: boolean;
    events: AuditEvent[];
  };
}

/** Polls `probe` until it returns a value that is not undefined; fails naming `what` after timeoutMs. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > timeoutMs)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ""}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The model version /v1/predict answers with now. */
export async function servedVersion(url: string, reading: Record<string, unknown>): Promise<string> {
  const r = await fetch(`${url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(reading),
  });
  if (r.status !== 200) throw new Error(`/v1/predict answered ${r.status}: ${await r.text()}`);
  const j = (await r.json()) as {
    predictions?: { model: { version: string } }[];
    model?: { version: string };
  };
  const v = j.predictions?.[0]?.model.version ?? j.model?.version;
  if (!v) throw new Error(`no model.version in ${JSON.stringify(j).slice(0, 300)}`);
  return v;
}
