// The server's general metrics (requests, predictions, feedback, the model, retraining, the store),
// declared and built in one place; metrics/contract.ts adds the data-contract model's own to these.
// The dashboards in deploy/grafana/ and the alert rules in deploy/monitoring/ read these names and labels.
import { Counter, Gauge, type Registry } from "prom-client";
import { BulkHistogram } from "./bulk-histogram.js";

/**
 * The metrics every prediction request updates, kept as plain numbers: histograms are BulkHistograms
 * (a series looked up once by the caller's key), counters are handed to prom-client whenever the
 * registry is read (the counter's collect()), so a scrape or a get() always sees every value. Why:
 * prom-client validates and hashes the labels on every call (0.4–1.2 µs each, half a dozen calls per
 * single-reading request).
 */
export class HotMetrics {
  /** HTTP requests being served; exported by the in-flight gauge's collect(). */
  inFlight = 0;
  private readonly counts = new Map<string, { labels: Record<string, string>; n: number }>();

  /** Adds `n` to the counter series `key` (flushed into the counter by its collect()). */
  count(key: string, labels: () => Record<string, string>, n: number): void {
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { labels: labels(), n: 0 }));
    c.n += n;
  }

  flushCounts(c: Counter<string>): void {
    for (const x of this.counts.values())
      if (x.n > 0) {
        c.inc(x.labels, x.n);
        x.n = 0;
      }
  }
}

/** The request path's series (kept in `hot` and BulkHistograms), the model info and retraining's. */
export function sharedMetrics(registry: Registry) {
  const r = [registry];
  const hot = new HotMetrics();
  return {
    hot,
    httpDuration: new BulkHistogram(
      {
        name: "millwright_http_request_duration_seconds",
        help: "HTTP request duration in seconds, by route template, method and status code.",
        labelNames: ["route", "method", "status_code"] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      },
      r,
    ),
    inFlight: new Gauge({
      name: "millwright_http_requests_in_flight",
      help: "HTTP requests being served right now.",
      registers: r,
      collect() {
        this.set(hot.inFlight);
      },
    }),
    predictions: new Counter({
      name: "millwright_predictions_total",
      help: "Predictions answered, by model version and outcome (failure = predicted failure).",
      labelNames: ["model_version", "outcome"] as const,
      registers: r,
      collect() {
        hot.flushCounts(this);
      },
    }),
    failureProbability: new BulkHistogram(
      {
        name: "millwright_failure_probability",
        help: "Distribution of predicted failure probabilities (ratio 0-1).",
        labelNames: ["model_version"] as const,
        buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
      },
      r,
    ),
    feedback: zeroed(
      r,
      "millwright_feedback_total",
      "Ground-truth labels received, by outcome (accepted, duplicate, unknown, conflict).",
      {
        outcome: ["accepted", "duplicate", "unknown", "conflict"],
      },
    ),
    modelInfo: new Gauge({
      name: "millwright_model_info",
      help: "The model version being served (value is always 1).",
      labelNames: ["name", "version"] as const,
      registers: r,
    }),
    retrainTriggers: zeroed(
      r,
      "millwright_retrain_triggers_total",
      "Retraining triggers by outcome (started, deduplicated, cooldown, rejected_auth).",
      {
        outcome: ["started", "deduplicated", "cooldown", "rejected_auth"],
      },
    ),
    retrainDecisions: zeroed(
      r,
      "millwright_retrain_decisions_total",
      "Retraining gate decisions by verdict (promoted, kept, failed; shadow: put in shadow first; github mode: dispatched, dispatch-failed).",
      { verdict: ["promoted", "kept", "failed", "shadow", "dispatched", "dispatch-failed"] },
    ),
    // deploy/monitoring's MillwrightStoreDegraded and the canary analysis read it.
    storeDegraded: new Gauge({
      name: "millwright_store_degraded",
      help: "1 while the history log cannot take writes: the database unreachable, refusing writes, the disk full or the data directory gone (readings refused with 503).",
      registers: r,
    }),
    retrainRunning: new Gauge({
      name: "millwright_retrain_running",
      help: "1 while a retraining runs.",
      registers: r,
    }),
  };
}

/**
 * A counter with a series at 0 for each of its known label values, from the start: Prometheus's
 * increase() cannot see a series born at 1 (the first promotion was counted as 0), nor one a restart
 * removed until it happened again (trial 8: the Retraining dashboard showed 0 promotions of 2).
 */
export function zeroed<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  values: Record<L, readonly string[]>,
): Counter<L> {
  const [label, known] = Object.entries(values)[0] as [L, readonly string[]];
  const c = new Counter<L>({ name, help, labelNames: [label], registers });
  for (const v of known) c.inc({ [label]: v } as Partial<Record<L, string>>, 0);
  return c;
}

/**
 * The monitor's drift and quality gauges, set by the AI4I monitor (monitor/monitor.ts) and a
 * data-contract server's (monitor/live/monitor.ts): a contract's readings are its features here.
 */
export function monitorGauges(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  return {
    featureDriftScore: gauge(
      "millwright_feature_drift_score",
      "Drift score per feature (p-value or distance, see the test label).",
      ["feature", "test"],
    ),
    featureDrifted: gauge("millwright_feature_drifted", "1 when the feature's drift test says drifted.", [
      "feature",
    ]),
    datasetDriftShare: gauge(
      "millwright_dataset_drift_share",
      "Share of monitored features that drifted (ratio 0-1).",
    ),
    datasetDrift: gauge(
      "millwright_dataset_drift",
      "1 when the share of drifted features reaches the dataset drift threshold.",
    ),
    predictionDriftScore: gauge(
      "millwright_prediction_drift_score",
      "Drift score of the predicted failure probability against the reference.",
    ),
    qualityRealised: gauge(
      "millwright_quality_realised",
      "Realised model quality from ground truth (labels, or the failures that happened), by metric and window (count or time). Absent when there is not enough data.",
      ["metric", "window"],
    ),
    // Both servers: the contract server's monitor estimates too, and MillwrightEstimatedQualityDrop
    // (a retraining alert for both) reads it.
    qualityEstimated: gauge(
      "millwright_quality_estimated",
      "Estimated model quality before labels arrive (CBPE), by metric and window.",
      ["metric", "window"],
    ),
    qualityLabels: gauge(
      "millwright_quality_labels",
      "Predictions in the quality window whose label is known.",
      ["window"],
    ),
    qualityPositives: gauge("millwright_quality_positives", "Of those, the ones labelled failure.", [
      "window",
    ]),
    monitorLastRun: gauge(
      "millwright_monitor_last_run_timestamp_seconds",
      "Unix time of the last completed monitoring run.",
    ),
  };
}
