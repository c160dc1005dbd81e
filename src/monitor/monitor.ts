// The monitor: on a schedule (on the leader only), compares recent logged predictions with the
// served version's training reference (data drift, prediction drift), computes realised quality
// from labels and estimated quality (CBPE) before labels arrive, keeps the history in the store
// and sets the Prometheus gauges.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RAW_FEATURES } from "../data/schema.js";
import { estimateCbpe } from "../evaluate/cbpe.js";
import { type RealisedQuality, realisedQuality } from "../evaluate/quality.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { Metrics } from "../metrics/ai4i.js";
import type { LabelledPrediction, PredictionStore } from "../store/types.js";
import { driftReport, predictionDrift } from "./drift-report.js";

export interface MonitorOptions {
  registry: ModelRegistry;
  store: PredictionStore;
  metrics: Metrics;
  /** The served model version and threshold, read at each run. */
  served: () => { version: string; threshold: number } | null;
  windowCount: number;
  windowMs: number;
  minLabels: number;
  minPositives: number;
  /** Rows of recent predictions compared with the reference for drift. */
  driftRows?: number;
  /** Fewest recent predictions for a drift verdict. */
  minDriftRows?: number;
  now?: () => number;
}

type Estimated = ReturnType<typeof estimateCbpe> | { status: "not_enough_data"; n: number; reason: string };

export interface MonitorState {
  at: string;
  model_version: string;
  status: "ok" | "not_enough_data";
  current_rows: number;
  drift: ReturnType<typeof driftReport> | null;
  prediction_drift: ReturnType<typeof predictionDrift> | null;
  quality: {
    realised: { count: RealisedQuality; time: RealisedQuality };
    estimated: { count: Estimated; time: Estimated };
  };
}

interface Reference {
  columns: Record<string, (number | string)[]>;
  failure_probability: number[];
}

export class Monitor {
  private latestState: MonitorState | null = null;
  private refCache: { version: string; ref: Reference } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<MonitorState | null> | null = null;

  constructor(private readonly opts: MonitorOptions) {}

  latest(): MonitorState | null {
    return this.latestState;
  }

  private reference(version: string): Reference | null {
    if (this.refCache?.version === version) return this.refCache.ref;
    try {
      const ref = JSON.parse(
        readFileSync(join(this.opts.registry.versionDir(version), "reference.json"), "utf8"),
      ) as Reference;
      this.refCache = { version, ref };
      return ref;
    } catch {
      return null;
    }
  }

  private async collect(opts: {
    labelled?: boolean;
    limit?: number;
    since?: number;
  }): Promise<LabelledPrediction[]> {
    const out: LabelledPrediction[] = [];
    for await (const p of this.opts.store.queryPredictions(opts)) out.push(p);
    return out;
  }

  /** One run; concurrent calls share the run in progress. */
  runOnce(): Promise<MonitorState | null> {
    if (!this.running) this.running = this.compute().finally(() => (this.running = null));
    return this.running;
  }

  private async compute(): Promise<MonitorState | null> {
    const served = this.opts.served();
    if (!served) return null;
    const now = this.opts.now?.() ?? Date.now();
    const { threshold, version } = served;
    const recent = await this.collect({ limit: this.opts.driftRows ?? 2000 });
    const ref = this.reference(version);
    let drift: MonitorState["drift"] = null;
    let predDrift: MonitorState["prediction_drift"] = null;
    if (ref && recent.length >= (this.opts.minDriftRows ?? 50)) {
      const cur: Record<string, Float64Array | string[]> = { type: recent.map((p) => p.reading.type) };
      const refCols: Record<string, Float64Array | string[]> = { type: ref.columns.type as string[] };
      for (const f of RAW_FEATURES) {
        cur[f] = Float64Array.from(recent, (p) => p.reading[f]);
        refCols[f] = Float64Array.from(ref.columns[f] as number[]);
      }
      drift = driftReport(refCols, cur, {});
      predDrift = predictionDrift(
        Float64Array.from(ref.failure_probability),
        Float64Array.from(recent, (p) => p.failureProbability),
        {},
      );
    }
    const qOpts = { minLabels: this.opts.minLabels, minPositives: this.opts.minPositives };
    const realised = (items: LabelledPrediction[]): RealisedQuality =>
      realisedQuality(
        Uint8Array.from(items, (p) => p.label?.machineFailure ?? 0),
        Float64Array.from(items, (p) => p.failureProbability),
        threshold,
        qOpts,
      );
    const labelledCount = await this.collect({ labelled: true, limit: this.opts.windowCount });
    const labelledTime = await this.collect({ labelled: true, since: now - this.opts.windowMs });
    const estimate = (items: LabelledPrediction[]): Estimated =>
      items.length < this.opts.minLabels
        ? {
            status: "not_enough_data",
            n: items.length,
            reason: `${items.length} predictions, need at least ${this.opts.minLabels}`,
          }
        : estimateCbpe(
            Float64Array.from(items, (p) => p.failureProbability),
            threshold,
          );
    const recentTime = recent.filter((p) => p.predictedAt >= now - this.opts.windowMs);
    const state: MonitorState = {
      at: new Date(now).toISOString(),
      model_version: version,
      status: drift ? "ok" : "not_enough_data",
      current_rows: recent.length,
      drift,
      prediction_drift: predDrift,
      quality: {
        realised: { count: realised(labelledCount), time: realised(labelledTime) },
        estimated: { count: estimate(recent.slice(-this.opts.windowCount)), time: estimate(recentTime) },
      },
    };
    this.export(state);
    this.latestState = state;
    await this.opts.store.saveSnapshot({ at: now, modelVersion: version, payload: compactForHistory(state) });
    return state;
  }

  private export(s: MonitorState): void {
    const m = this.opts.metrics;
    m.featureDriftScore.reset();
    m.featureDrifted.reset();
    if (s.drift) {
      for (const f of s.drift.features) {
        m.featureDriftScore.set({ feature: f.feature, test: f.test }, f.score);
        m.featureDrifted.set({ feature: f.feature }, f.drifted ? 1 : 0);
      }
      m.datasetDriftShare.set(s.drift.drift_share);
      m.datasetDrift.set(s.drift.dataset_drift ? 1 : 0);
    }
    if (s.prediction_drift) m.predictionDriftScore.set(s.prediction_drift.score);
    m.qualityRealised.reset();
    m.qualityEstimated.reset();
    for (const w of ["count", "time"] as const) {
      const r = s.quality.realised[w];
      m.qualityLabels.set({ window: w }, r.n);
      m.qualityPositives.set({ window: w }, r.positives);
      if (r.status === "ok")
        for (const k of ["precision", "recall", "f1", "accuracy", "roc_auc", "pr_auc"] as const) {
          const v = r[k];
          if (typeof v === "number") m.qualityRealised.set({ metric: k, window: w }, v);
        }
      const e = s.quality.estimated[w];
      if (!("status" in e))
        for (const k of ["precision", "recall", "f1", "accuracy"] as const) {
          const v = e[k];
          if (typeof v === "number") m.qualityEstimated.set({ metric: k, window: w }, v);
        }
    }
    m.monitorLastRun.set(Date.parse(s.at) / 1000);
  }

  start(intervalMs: number, onError: (e: unknown) => void): void {
    this.stop();
    const tick = () => {
      this.runOnce().catch(onError);
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** History points keep the headline numbers, not the histograms. */
function compactForHistory(s: MonitorState): Record<string, unknown> {
  const r = s.quality.realised.count;
  const e = s.quality.estimated.count;
  return {
    at: s.at,
    model_version: s.model_version,
    realised_f1: r.status === "ok" ? r.f1 : null,
    realised_recall: r.status === "ok" ? r.recall : null,
    estimated_f1: "status" in e ? null : e.f1,
    drift_share: s.drift?.drift_share ?? null,
    dataset_drift: s.drift?.dataset_drift ?? null,
    labels: r.n,
  };
}
