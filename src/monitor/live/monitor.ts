// Watching a data-contract model in production: drift of the recent readings against the
// training sample (by the contract's names), drift of the predicted probability, and realised
// quality from the failures that happened (or, for a row-labelled contract, from the labels sent
// to POST /v1/feedback). Exported under the same metric names as the AI4I
// server's monitor, so the alert rules and dashboards in deploy/monitoring/ apply unchanged.
import type { Registry as PromRegistry } from "prom-client";
import { groupDriftGauges } from "../../metrics/group-drift.js";
import { monitorGauges } from "../../metrics/shared.js";
import type { SkippedGroup } from "../../registry/reference-sample.js";
import { type DriftReport, predictionDrift } from "../drift-report.js";
import { contractDrift, type DriftWindow } from "./monitor-drift.js";
import { exportGroupDrift, type GroupDrift } from "./monitor-groups.js";
import { qualityOf, type RealisedQuality, realisedQuality } from "../contract-quality.js";
import type { HistoryModel } from "../../train/history-model.js";
import { type CbpeEstimate, estimateCbpe } from "../../evaluate/cbpe.js";
import type { FeatureMatrix } from "../../features/build.js";
import type { ReadingGroup } from "../../store/history/types.js";
import type { HistoryObserver, Restaged } from "./history-observer.js";
import { MIN_CURRENT, MonitorState, RECENT_READINGS } from "./monitor-state.js";

export { MonitorState, RECENT_READINGS };
/**
 * Readings at or over the threshold a window needs before its estimated quality goes to /metrics.
 * With none, CBPE's recall and F1 are 0 whatever happens (the spread-out probabilities are all
 * expected misses), so a fleet's calm spell looked like a quality drop: in shop E's trial the
 * 5,000-reading window held no alarm at 3 of 11 looks (one before the drift), each enough to fire
 * MillwrightEstimatedQualityDrop (F1 under 0.4 for 15 min) and retrain. 50 rows is about one
 * failure's warning at a reading every 5 minutes.
 */
export const ESTIMATE_MIN_ALARMS = 50;

/** The estimate as /metrics and the history show it: none below ESTIMATE_MIN_ALARMS alarms (see there). */
export function shownEstimate(e: ContractMonitorReport["estimated"]): ContractMonitorReport["estimated"] {
  return e && e.alarms >= ESTIMATE_MIN_ALARMS ? e : null;
}

export interface ContractMonitorReport {
  at: number;
  /** The version whose readings and reference these are (the served one). */
  model_version: string;
  current_rows: number;
  /** The readings dataset drift is tested on (the last day); drift is null until it is full. */
  drift_window: DriftWindow | null;
  drift: DriftReport | null;
  /** Each group of machines' drift (`monitor.drift_by`), as the fleet's; empty without groups. */
  groups: GroupDrift[];
  /** The groups training kept no reference for, and why (too few rows). */
  groups_skipped: SkippedGroup[];
  prediction_drift: ReturnType<typeof predictionDrift> | null;
  quality: RealisedQuality;
  /**
   * Estimated quality of the same readings before their labels are known (CBPE from the calibrated
   * probabilities, as the AI4I monitor): the realised figures wait a horizon for each label.
   */
  estimated: (CbpeEstimate & { alarms: number }) | null;
}

/**
 * The monitor the server keeps: one set of gauges, and the state of the version served. A swap
 * or a repair (contract-history.ts) restages it: the next state, filled from the log, then adopted.
 */
export class ContractMonitor implements HistoryObserver {
  private state: MonitorState;
  private readonly gauges: ReturnType<typeof monitorGauges>;
  private readonly groupGauges: ReturnType<typeof groupDriftGauges>;

  constructor(
    model: HistoryModel,
    versionDir: string,
    registry: PromRegistry,
    /** The realised quality's window in readings (MILLWRIGHT_QUALITY_WINDOW; monitor-state.ts). */
    private readonly window = RECENT_READINGS,
  ) {
    this.state = new MonitorState(model, versionDir, window);
    this.gauges = monitorGauges(registry);
    this.groupGauges = groupDriftGauges(registry);
  }

  /** The next state, empty, for `model`: a swap or a repair replays the log into it, then it is adopted. */
  restage(model: HistoryModel, versionDir: string): Restaged {
    const state = new MonitorState(model, versionDir, this.window);
    return {
      observer: state,
      adopt: () => {
        this.state = state;
      },
    };
  }

  /** The history is replayed from the start (cluster mode): forget it, or it would count twice. */
  reset(): void {
    this.state.reset();
  }

  group(g: ReadingGroup, X: FeatureMatrix): void {
    this.state.group(g, X);
  }

  event(table: string, machine: string, time: number): void {
    this.state.event(table, machine, time);
  }

  label(id: string, y: 0 | 1): void {
    this.state.label(id, y);
  }

  report(now = Date.now()): ContractMonitorReport {
    const st = this.state;
    const recent = st.recentRows();
    // Drift reads the last day (at most 5,000: monitor-drift.ts) and prediction drift the last
    // RECENT_READINGS, whatever the quality window; quality, realised and estimated, its window.
    const latest = recent.slice(-RECENT_READINGS);
    const windowed = recent.slice(-st.window);
    const c = st.model.contract;
    let drift: DriftReport | null = null;
    let pdrift: ContractMonitorReport["prediction_drift"] = null;
    let window: DriftWindow | null = null;
    if (st.reference) {
      ({ drift, window } = contractDrift(c, st.reference, latest));
      if (latest.length >= MIN_CURRENT && st.reference.failure_probability.length > 0)
        pdrift = predictionDrift(
          st.reference.failure_probability,
          latest.map((x) => x.p),
        );
    }
    // A row-labelled contract learns its labels by prediction id (POST /v1/feedback), never from
    // failures: with a horizon of 0 every reading seen counted as a known "no failure" (accuracy 1
    // on nothing), so only the readings labelled count.
    const rows = st.rowLabels();
    const quality = rows
      ? qualityOf(rows.y, rows.p, st.model.threshold.value)
      : realisedQuality(
          windowed,
          st.failures,
          c.failures?.horizon.size ?? 0,
          st.seen,
          st.model.threshold.value,
        );
    const ps = windowed.map((x) => x.p).filter((p) => p >= 0 && p <= 1);
    const t = st.model.threshold.value;
    const estimated =
      ps.length > 0 ? { ...estimateCbpe(ps, t), alarms: ps.filter((p) => p >= t).length } : null;
    this.export(drift, pdrift, quality, estimated);
    const groups = st.groups?.report() ?? [];
    exportGroupDrift(this.groupGauges, groups);
    return {
      at: now,
      model_version: st.model.version,
      current_rows: latest.length,
      drift_window: window,
      drift,
      groups,
      groups_skipped: st.groups?.skipped ?? [],
      prediction_drift: pdrift,
      quality,
      estimated,
    };
  }

  private export(
    drift: DriftReport | null,
    pdrift: ContractMonitorReport["prediction_drift"],
    q: RealisedQuality,
    e: ContractMonitorReport["estimated"],
  ): void {
    const g = this.gauges;
    g.featureDriftScore.reset();
    g.featureDrifted.reset();
    for (const f of drift?.features ?? []) {
      g.featureDriftScore.set({ feature: f.feature, test: f.test }, f.score);
      g.featureDrifted.set({ feature: f.feature }, f.drifted ? 1 : 0);
    }
    // Until the window is full no drift is known: 0, not a value left from the state before a swap.
    g.datasetDriftShare.reset();
    g.datasetDrift.reset();
    if (drift) {
      g.datasetDriftShare.set(drift.drift_share);
      g.datasetDrift.set(drift.dataset_drift ? 1 : 0);
    }
    g.monitorLastRun.set(Date.now() / 1000);
    if (pdrift) g.predictionDriftScore.set(pdrift.score);
    // "count": the last MILLWRIGHT_QUALITY_WINDOW readings, the window name the alert rules read.
    const w = { window: "count" };
    g.qualityLabels.set(w, q.n);
    g.qualityPositives.set(w, q.positives);
    g.qualityRealised.reset();
    for (const [metric, v] of Object.entries({
      pr_auc: q.pr_auc,
      roc_auc: q.roc_auc,
      recall: q.recall,
      precision: q.precision,
      f1: q.f1,
      accuracy: q.accuracy,
    }))
      if (v !== null) g.qualityRealised.set({ metric, window: "count" }, v);
    g.qualityEstimated.reset();
    const shown = shownEstimate(e);
    if (shown)
      for (const metric of ["precision", "recall", "f1", "accuracy"] as const) {
        const v = shown[metric];
        if (typeof v === "number") g.qualityEstimated.set({ metric, window: "count" }, v);
      }
  }
}
