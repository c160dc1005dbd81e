// The Prometheus metrics of a data-contract server, under the AI4I server's names and labels
// (declared once in metrics/specs.ts), so the dashboards in deploy/grafana/ and the rules in deploy/monitoring/ show
// a contract model too (test/deploy/monitoring-dashboards.test.ts checks every panel it should fill).
// Drift and quality gauges are the monitor's (serve/contract/monitor.ts, monitorGauges).
import { Counter, Gauge, Histogram, type Registry as PromRegistry, collectDefaultMetrics } from "prom-client";
import { SHARED_METRICS } from "./specs.js";

export type ContractMetrics = ReturnType<typeof contractMetrics>;

export function contractMetrics(registry: PromRegistry) {
  // Process memory, CPU and event-loop lag, as the AI4I server exports them (the service dashboard).
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    predictions: new Counter({ ...SHARED_METRICS.predictions, registers: r }),
    failureProbability: new Histogram({ ...SHARED_METRICS.failureProbability, registers: r }),
    events: new Counter({
      name: "millwright_events_total",
      help: "Events received, by outcome (accepted, duplicate, conflict).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    httpDuration: new Histogram({ ...SHARED_METRICS.httpDuration, registers: r }),
    inFlight: new Gauge({ ...SHARED_METRICS.inFlight, registers: r }),
    modelInfo: new Gauge({ ...SHARED_METRICS.modelInfo, registers: r }),
    retrainTriggers: new Counter({ ...SHARED_METRICS.retrainTriggers, registers: r }),
    retrainDecisions: new Counter({ ...SHARED_METRICS.retrainDecisions, registers: r }),
    retrainRunning: new Gauge({ ...SHARED_METRICS.retrainRunning, registers: r }),
  };
}
