// Every metric Millwright exports, declared once, with help text, base units and bounded labels.
// The registry is passed in (never prom-client's global one), so tests and several apps in one
// process do not collide. Names are the contract with deploy/monitoring/rules.yml and deploy/grafana.
import { Counter, Gauge, Histogram, type Registry, collectDefaultMetrics } from "prom-client";
import { SHARED_METRICS } from "./specs.js";

export type Metrics = ReturnType<typeof createMetrics>;

interface HistogramEntry {
  labels: Record<string, string | number>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

const entries = new WeakMap<Histogram<string>, Map<string, [string, HistogramEntry]>>();

function findEntry(
  map: Record<string, HistogramEntry>,
  labels: Record<string, string>,
): [string, HistogramEntry] | undefined {
  const names = Object.keys(labels);
  for (const [k, e] of Object.entries(map))
    if (
      Object.keys(e.labels).length === names.length &&
      names.every((n) => String(e.labels[n]) === labels[n])
    )
      return [k, e];
  return undefined;
}

/**
 * Adds values[0..n) to histogram `h` under `labels`, exactly as n calls of h.observe(labels, v)
 * would (test/serve/hot-path.test.ts compares the two expositions). One label lookup for the lot:
 * prom-client validates and hashes the labels on every observe(), which cost ~1 µs per prediction
 * in 1,000-reading batches. Uses prom-client 15's per-label-set entries (hashMap, upperBounds);
 * the version is pinned and the test fails if they change.
 */
export function observeAll(
  h: Histogram<string>,
  labels: Record<string, string>,
  values: ArrayLike<number>,
  n = values.length,
): void {
  const inner = h as unknown as { hashMap: Record<string, HistogramEntry>; upperBounds: number[] };
  const key = JSON.stringify(labels);
  let known = entries.get(h)?.get(key);
  // The cached entry is the live one unless the histogram was reset since.
  if (!known || inner.hashMap[known[0]] !== known[1]) {
    known = findEntry(inner.hashMap, labels);
    if (!known) {
      h.zero(labels);
      known = findEntry(inner.hashMap, labels);
    }
    if (known) {
      let m = entries.get(h);
      if (!m) entries.set(h, (m = new Map()));
      m.set(key, known);
    }
  }
  const entry = known?.[1];
  if (!entry || !Array.isArray(inner.upperBounds)) {
    for (let i = 0; i < n; i++) h.observe(labels, values[i]); // internals changed: the slow, sure way
    return;
  }
  const bounds = inner.upperBounds;
  // Counted by bucket index, then added once per bucket: bucketValues is keyed by the bound (a
  // number turned into a property name on every access), which cost ~0.2 µs per value. The sum
  // takes the values in the same order as n observe() calls, so it is bit-for-bit the same.
  const counts = new Uint32Array(bounds.length);
  let sum = entry.sum;
  let i = 0;
  try {
    for (; i < n; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) throw new TypeError(`Value is not a valid number: ${v}`);
      sum += v;
      for (let b = 0; b < bounds.length; b++)
        if (v <= bounds[b]) {
          counts[b]++;
          break;
        }
    }
  } finally {
    entry.sum = sum;
    entry.count += i;
    for (let b = 0; b < bounds.length; b++) if (counts[b] > 0) entry.bucketValues[bounds[b]] += counts[b];
  }
}

/** Values observed into one labelled series, handed to prom-client in bulk (see HotMetrics). */
class SeriesBuffer {
  private readonly values = new Float64Array(512);
  private n = 0;

  constructor(
    private readonly h: Histogram<string>,
    private readonly labels: Record<string, string>,
  ) {}

  observe(v: number): void {
    if (!Number.isFinite(v)) return; // durations and probabilities always are; never break a scrape
    this.values[this.n++] = v;
    if (this.n === this.values.length) this.flush();
  }

  observeMany(values: ArrayLike<number>, n: number): void {
    for (let i = 0; i < n; i++) this.observe(values[i]);
  }

  flush(): void {
    if (this.n === 0) return;
    observeAll(this.h, this.labels, this.values, this.n);
    this.n = 0;
  }
}

/**
 * The metrics every prediction request updates, kept as plain numbers and buffers and handed to
 * prom-client in bulk: when a buffer fills, and whenever the registry is read (each metric's
 * collect()), so a scrape or a get() always sees every value. Why: prom-client validates and hashes
 * the labels on every call (0.4–1.2 µs each, half a dozen calls per single-reading request).
 */
export class HotMetrics {
  /** HTTP requests being served; exported by the in-flight gauge's collect(). */
  inFlight = 0;
  private readonly series = new Map<Histogram<string>, Map<string, SeriesBuffer>>();
  private readonly counts = new Map<string, { labels: Record<string, string>; n: number }>();

  /** The buffer of one series of `h`; `key` must identify `labels` (callers build it once). */
  buffer(h: Histogram<string>, key: string, labels: () => Record<string, string>): SeriesBuffer {
    let m = this.series.get(h);
    if (!m) this.series.set(h, (m = new Map()));
    let b = m.get(key);
    if (!b) m.set(key, (b = new SeriesBuffer(h, labels())));
    return b;
  }

  /** Adds `n` to the counter series `key` (flushed into the counter by its collect()). */
  count(key: string, labels: () => Record<string, string>, n: number): void {
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { labels: labels(), n: 0 }));
    c.n += n;
  }

  flushHistogram(h: Histogram<string>): void {
    for (const b of this.series.get(h)?.values() ?? []) b.flush();
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
    httpDuration: new Histogram({
      ...SHARED_METRICS.httpDuration,
      registers: r,
      collect() {
        hot.flushHistogram(this);
      },
    }),
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
    failureProbability: new Histogram({
      ...SHARED_METRICS.failureProbability,
      registers: r,
      collect() {
        hot.flushHistogram(this);
      },
    }),
    commitDuration: new Histogram({
      name: "millwright_prediction_log_commit_duration_seconds",
      help: "Time from handing predictions to the log until they are durable, in seconds.",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: r,
      collect() {
        hot.flushHistogram(this);
      },
    }),
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
