// The Prometheus metrics of a data-contract server, under the AI4I server's names and labels
// (built once in metrics/shared.ts), so the dashboards in deploy/grafana/ and the rules in
// deploy/monitoring/ show a contract model too (test/deploy/monitoring-dashboards.test.ts checks every
// panel it should fill). Drift and quality gauges are the monitor's (metrics/shared.ts monitorGauges,
// set by monitor/live/monitor.ts).
import { Counter, type Registry as PromRegistry, collectDefaultMetrics } from "prom-client";
import { sharedMetrics, zeroed } from "./shared.js";

export type ContractMetrics = ReturnType<typeof contractMetrics>;

export function contractMetrics(registry: PromRegistry) {
  // Process memory, CPU and event-loop lag, as the AI4I server exports them (the service dashboard).
  collectDefaultMetrics({ register: registry });
  return {
    // The per-request series are kept as plain numbers (BulkHistogram, HotMetrics' counts), as on
    // the AI4I server: prom-client's label hashing on every call showed in the profile of a
    // single-reading request.
    ...sharedMetrics(registry),
    events: zeroed(
      new Counter({
        name: "millwright_events_total",
        help: "Events received, by outcome (accepted, duplicate, conflict).",
        labelNames: ["outcome"] as const,
        registers: [registry],
      }),
      "outcome",
      ["accepted", "duplicate", "conflict"],
    ),
  };
}
