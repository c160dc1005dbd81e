// A Prometheus histogram for the prediction hot path, kept as plain numbers and exported through
// prom-client's public metric interface (get(), registered with Registry.registerMetric). Why not
// prom-client's Histogram: its observe() validates and hashes the labels on every call (0.4-1.2 µs,
// ~1 µs per prediction in 1,000-reading batches), and bulk-adding into it meant writing its private
// fields. Here a series is looked up once (by a key the caller builds once) and then observe() is a
// bucket search and two additions. The exposition is byte for byte what prom-client's Histogram
// writes for the same observations (test/metrics/bulk-histogram.test.ts compares the two).
import type { Histogram, Registry } from "prom-client";

/** One line of the exposition, in the shape prom-client's Histogram.get() gives. */
interface ExposedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
  /** As prom-client writes it: null on a bucket, absent (undefined) on the sum and the count. */
  exemplar: null | undefined;
}

export interface BulkHistogramSpec {
  name: string;
  help: string;
  buckets: readonly number[];
  labelNames?: readonly string[];
}

/** One labelled series: counts per bucket (the last one: above every bound), sum and count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  /** In the exposition: once observed (or, without labels, from the start), as prom-client shows it. */
  shown = false;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    // prom-client throws on a non-finite value; a scrape must never break, and durations and
    // probabilities always are finite, so one that is not is dropped.
    if (!Number.isFinite(v)) return;
    const bounds = this.bounds;
    let b = 0;
    while (b < bounds.length && v > bounds[b]) b++;
    this.counts[b]++;
    this.sum += v;
    this.count++;
    this.shown = true;
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.shown = false;
  }

  observeMany(values: ArrayLike<number>, n = values.length): void {
    for (let i = 0; i < n; i++) this.observe(values[i]);
  }
}

export class BulkHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  private readonly bounds: readonly number[];
  private readonly labelNames: readonly string[];
  private readonly bySeries = new Map<string, HistogramSeries>();

  constructor(spec: BulkHistogramSpec, registers: readonly Registry[]) {
    this.name = spec.name;
    this.help = spec.help;
    this.bounds = [...spec.buckets].sort((a, b) => a - b);
    this.labelNames = spec.labelNames ?? [];
    // registerMetric is typed for prom-client's own classes; the registry reads a metric through
    // name, type, aggregator and get() (and reset()), which this class provides.
    for (const r of registers) r.registerMetric(this as unknown as Histogram);
    if (this.labelNames.length === 0) this.series("", () => ({})).shown = true;
  }

  /** The series `key` names (the caller builds `key` from the labels once); labels checked once. */
  series(key: string, labels: () => Record<string, string>): HistogramSeries {
    let s = this.bySeries.get(key);
    if (!s) {
      const l = labels();
      const names = Object.keys(l);
      if (names.length !== this.labelNames.length || !names.every((n) => this.labelNames.includes(n)))
        throw new Error(`${this.name}: labels ${names.join(",")} are not ${this.labelNames.join(",")}`);
      s = new HistogramSeries(this.bounds, { ...l });
      this.bySeries.set(key, s);
    }
    return s;
  }

  /** One value under `labels`, or (no labels) just a value, as prom-client's observe() takes it:
   * for tests and cold paths; the hot path keeps its series. */
  observe(labels: Record<string, string> | number, v?: number): void {
    if (typeof labels === "number") this.series("", () => ({})).observe(labels);
    else this.series(JSON.stringify(labels), () => labels).observe(v as number);
  }

  /** Empties every series (callers keep theirs, so they are zeroed, not dropped). */
  reset(): void {
    for (const s of this.bySeries.values()) s.clear();
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: ExposedValue[];
  }> {
    const values: ExposedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.bySeries.values()) {
      if (!s.shown) continue;
      let acc = 0;
      for (let b = 0; b < this.bounds.length; b++) {
        acc += s.counts[b];
        values.push({
          labels: { le: this.bounds[b], ...s.labels },
          value: acc,
          metricName: bucket,
          exemplar: null,
        });
      }
      values.push({
        labels: { le: "+Inf", ...s.labels },
        value: s.count,
        metricName: bucket,
        exemplar: null,
      });
      values.push({
        labels: { ...s.labels },
        value: s.sum,
        metricName: `${this.name}_sum`,
        exemplar: undefined,
      });
      values.push({
        labels: { ...s.labels },
        value: s.count,
        metricName: `${this.name}_count`,
        exemplar: undefined,
      });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
