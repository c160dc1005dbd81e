// The metrics both servers export, built in one place: the AI4I server (metrics/ai4i.ts) and a
// data-contract server (metrics/contract.ts) add their own to these. Names, help and labels are
// metrics/specs.ts's SHARED_METRICS, which the dashboards and alert rules read.
import { Counter, Gauge, type Registry } from "prom-client";
import { BulkHistogram } from "./bulk-histogram.js";
import { SHARED_METRICS } from "./specs.js";

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
    modelInfo: new Gauge({ ...SHARED_METRICS.modelInfo, registers: r }),
    retrainTriggers: new Counter({ ...SHARED_METRICS.retrainTriggers, registers: r }),
    retrainDecisions: new Counter({ ...SHARED_METRICS.retrainDecisions, registers: r }),
    retrainRunning: new Gauge({ ...SHARED_METRICS.retrainRunning, registers: r }),
  };
}

/**
 * The monitor's drift and quality gauges, set by the AI4I monitor (monitor/monitor.ts) and a
 * data-contract server's (serve/contract/monitor.ts): a contract's readings are its features here.
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
