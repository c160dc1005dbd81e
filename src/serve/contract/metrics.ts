// The Prometheus metrics of a data-contract server, under the AI4I server's names and labels
// (serve/metrics.ts), so the dashboards in deploy/grafana/ and the rules in deploy/monitoring/ show
// a contract model too (test/deploy/monitoring-dashboards.test.ts checks every panel it should fill).
// Drift and quality gauges are the monitor's (monitor.ts, monitorGauges).
import { Counter, Gauge, Histogram, type Registry as PromRegistry, collectDefaultMetrics } from "prom-client";

export type ContractMetrics = ReturnType<typeof contractMetrics>;

export function contractMetrics(registry: PromRegistry) {
  // Process memory, CPU and event-loop lag, as the AI4I server exports them (the service dashboard).
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  return {
    predictions: new Counter({
      name: "millwright_predictions_total",
      help: "Readings scored and logged, by model version and outcome (failure = predicted failure).",
      labelNames: ["model_version", "outcome"] as const,
      registers: r,
    }),
    failureProbability: new Histogram({
      name: "millwright_failure_probability",
      help: "Distribution of predicted failure probabilities (ratio 0-1).",
      labelNames: ["model_version"] as const,
      buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
      registers: r,
    }),
    events: new Counter({
      name: "millwright_events_total",
      help: "Events received, by outcome (accepted, duplicate, conflict).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    httpDuration: new Histogram({
      name: "millwright_http_request_duration_seconds",
      help: "HTTP request duration in seconds, by route template, method and status code.",
      labelNames: ["route", "method", "status_code"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    }),
    inFlight: new Gauge({
      name: "millwright_http_requests_in_flight",
      help: "HTTP requests being served right now.",
      registers: r,
    }),
    modelInfo: new Gauge({
      name: "millwright_model_info",
      help: "1 for the model version being served (by name and version).",
      labelNames: ["name", "version"] as const,
      registers: r,
    }),
    retrainTriggers: new Counter({
      name: "millwright_retrain_triggers_total",
      help: "Retraining triggers by outcome (started, deduplicated, cooldown, busy, rejected_auth).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    retrainDecisions: new Counter({
      name: "millwright_retrain_decisions_total",
      help: "Retraining gate decisions by verdict (promoted, kept, failed).",
      labelNames: ["verdict"] as const,
      registers: r,
    }),
    retrainRunning: new Gauge({
      name: "millwright_retrain_running",
      help: "1 while a retraining runs.",
      registers: r,
    }),
  };
}
