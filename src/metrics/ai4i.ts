// Every metric Millwright exports, declared once, with help text, base units and bounded labels.
// The registry is passed in (never prom-client's global one), so tests and several apps in one
// process do not collide. Names are the contract with deploy/monitoring/rules.yml and deploy/grafana.
import { Counter, Gauge, type Registry, collectDefaultMetrics } from "prom-client";
import { BulkHistogram } from "./bulk-histogram.js";
import { SHARED_METRICS } from "./specs.js";

export type Metrics = ReturnType<typeof createMetrics>;

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

export function createMetrics(registry: Registry, opts: { defaults?: boolean } = {}) {
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry });
  const r = [registry];
  const hot = new HotMetrics();
  return {
    registry,
    hot,
    httpDuration: new BulkHistogram(SHARED_METRICS.httpDuration, r),
    inFlight: new Gauge({
      ...SHARED_METRICS.inFlight,
      registers: r,
      collect() {
        this.set(hot.inFlight);
      },
    }),
    predictions: new Counter({
      ...SHARED_METRICS.predictions,
      registers: r,
      collect() {
        hot.flushCounts(this);
      },
    }),
    failureProbability: new BulkHistogram(SHARED_METRICS.failureProbability, r),
    commitDuration: new BulkHistogram(
      {
        name: "millwright_prediction_log_commit_duration_seconds",
        help: "Time from handing predictions to the log until they are durable, in seconds.",
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      },
      r,
    ),
    storeDegraded: new Gauge({
      name: "millwright_store_degraded",
      help: "1 while the prediction log database is unreachable and records are spooled locally.",
      registers: r,
    }),
    spoolRecords: new Gauge({
      name: "millwright_store_spool_records",
      help: "Prediction records waiting in the local spool for the database to return.",
      registers: r,
    }),
    modelInfo: new Gauge({ ...SHARED_METRICS.modelInfo, registers: r }),
    feedback: new Counter({
      name: "millwright_feedback_total",
      help: "Ground-truth labels received, by outcome (accepted, duplicate, unknown, conflict).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    featureDriftScore: new Gauge({
      name: "millwright_feature_drift_score",
      help: "Drift score per feature (p-value or distance, see the test label).",
      labelNames: ["feature", "test"] as const,
      registers: r,
    }),
    featureDrifted: new Gauge({
      name: "millwright_feature_drifted",
      help: "1 when the feature's drift test says drifted.",
      labelNames: ["feature"] as const,
      registers: r,
    }),
    datasetDriftShare: new Gauge({
      name: "millwright_dataset_drift_share",
      help: "Share of monitored features that drifted (ratio 0-1).",
      registers: r,
    }),
    datasetDrift: new Gauge({
      name: "millwright_dataset_drift",
      help: "1 when the share of drifted features reaches the dataset drift threshold.",
      registers: r,
    }),
    predictionDriftScore: new Gauge({
      name: "millwright_prediction_drift_score",
      help: "Drift score of the predicted failure probability against the reference.",
      registers: r,
    }),
    qualityRealised: new Gauge({
      name: "millwright_quality_realised",
      help: "Realised model quality from ground-truth labels, by metric and window (count or time). Absent when there is not enough data.",
      labelNames: ["metric", "window"] as const,
      registers: r,
    }),
    qualityEstimated: new Gauge({
      name: "millwright_quality_estimated",
      help: "Estimated model quality before labels arrive (CBPE), by metric and window.",
      labelNames: ["metric", "window"] as const,
      registers: r,
    }),
    qualityLabels: new Gauge({
      name: "millwright_quality_labels",
      help: "Labelled predictions in the quality window.",
      labelNames: ["window"] as const,
      registers: r,
    }),
    qualityPositives: new Gauge({
      name: "millwright_quality_positives",
      help: "Labelled failures in the quality window.",
      labelNames: ["window"] as const,
      registers: r,
    }),
    monitorLastRun: new Gauge({
      name: "millwright_monitor_last_run_timestamp_seconds",
      help: "Unix time of the last completed monitoring run.",
      registers: r,
    }),
    retrainTriggers: new Counter({ ...SHARED_METRICS.retrainTriggers, registers: r }),
    retrainDecisions: new Counter({ ...SHARED_METRICS.retrainDecisions, registers: r }),
    retrainRunning: new Gauge({ ...SHARED_METRICS.retrainRunning, registers: r }),
  };
}
