// The Prometheus metrics of a data-contract server, under the AI4I server's names and labels
// (built once in metrics/shared.ts), so the dashboards in deploy/grafana/ and the rules in
// deploy/monitoring/ show a contract model too (test/deploy/monitoring-dashboards.test.ts checks every
// panel it should fill). Drift and quality gauges are the monitor's (metrics/shared.ts monitorGauges,
// set by monitor/live/monitor.ts).
import { Gauge, type Registry as PromRegistry, collectDefaultMetrics } from "prom-client";
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
      [registry],
      "millwright_events_total",
      "Events received, by outcome (accepted, duplicate, conflict).",
      {
        outcome: ["accepted", "duplicate", "conflict"],
      },
    ),
    readingsReceived: lastReadingReceived(registry),
  };
}

/**
 * When this server last accepted a reading (wall clock), read at each scrape from `follow` (the
 * service is built after the metrics): MillwrightReadingsStopped fires on it, since a bridge that
 * stopped left every gauge at its last value and no rule noticed (trial 8). Before the first
 * reading, the server's start: a bridge that never came back after a restart is noticed too.
 */
function lastReadingReceived(registry: PromRegistry) {
  const started = Date.now();
  let source: () => number | null = () => null;
  new Gauge({
    name: "millwright_last_reading_received_timestamp_seconds",
    help: "Wall-clock time (Unix seconds) this server last accepted a reading; its start until the first.",
    registers: [registry],
    collect() {
      this.set((source() ?? started) / 1000);
    },
  });
  return {
    follow(s: () => number | null): void {
      source = s;
    },
  };
}
