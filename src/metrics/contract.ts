// The Prometheus metrics of a data-contract server, under the AI4I server's names and labels
// (declared once in metrics/specs.ts), so the dashboards in deploy/grafana/ and the rules in deploy/monitoring/ show
// a contract model too (test/deploy/monitoring-dashboards.test.ts checks every panel it should fill).
// Drift and quality gauges are the monitor's (serve/contract/monitor.ts, monitorGauges).
import { Counter, Gauge, type Registry as PromRegistry, collectDefaultMetrics } from "prom-client";
import { HotMetrics } from "./ai4i.js";
import { BulkHistogram } from "./bulk-histogram.js";
import { SHARED_METRICS } from "./specs.js";

export type ContractMetrics = ReturnType<typeof contractMetrics>;

export function contractMetrics(registry: PromRegistry) {
  // Process memory, CPU and event-loop lag, as the AI4I server exports them (the service dashboard).
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  // The per-request series are kept as plain numbers (BulkHistogram, HotMetrics' counts), as on the
  // AI4I server (metrics/ai4i.ts): prom-client's label hashing on every call showed in the profile
  // of a single-reading request.
  const hot = new HotMetrics();
  return {
    hot,
    predictions: new Counter({
      ...SHARED_METRICS.predictions,
      registers: r,
      collect() {
        hot.flushCounts(this);
      },
    }),
    failureProbability: new BulkHistogram(SHARED_METRICS.failureProbability, r),
    events: new Counter({
      name: "millwright_events_total",
      help: "Events received, by outcome (accepted, duplicate, conflict).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    httpDuration: new BulkHistogram(SHARED_METRICS.httpDuration, r),
    inFlight: new Gauge({
      ...SHARED_METRICS.inFlight,
      registers: r,
      collect() {
        this.set(hot.inFlight);
      },
    }),
    modelInfo: new Gauge({ ...SHARED_METRICS.modelInfo, registers: r }),
    retrainTriggers: new Counter({ ...SHARED_METRICS.retrainTriggers, registers: r }),
    retrainDecisions: new Counter({ ...SHARED_METRICS.retrainDecisions, registers: r }),
    retrainRunning: new Gauge({ ...SHARED_METRICS.retrainRunning, registers: r }),
  };
}
