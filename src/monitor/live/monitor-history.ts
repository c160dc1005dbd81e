// The contract monitor's history: a point (the headline numbers of a report, as the AI4I monitor
// keeps them) every MILLWRIGHT_MONITOR_INTERVAL_MS and on POST /v1/monitor/run, kept beside the
// retraining audit (a file of the data directory, or the PostgreSQL the replicas share), so it
// outlives a restart. The monitor itself keeps only its last report.
import type { MonitorSnapshot, MonitorSnapshotStore } from "../../store/types.js";
import { type ContractMonitor, type ContractMonitorReport, shownEstimate } from "./monitor.js";

/**
 * A timer's point is skipped when the history holds one this much of an interval old or newer: the
 * replicas of a cluster each run the timer, and a timer fires a little late, never early.
 */
const DUE_FRACTION = 0.9;

/** The AI4I history point's fields (monitor/monitor.ts), and the contract report's own headline numbers. */
export function historyPoint(r: ContractMonitorReport): Record<string, unknown> {
  const q = r.quality;
  return {
    at: new Date(r.at).toISOString(),
    model_version: r.model_version,
    realised_f1: q.f1,
    realised_recall: q.recall,
    realised_pr_auc: q.pr_auc,
    estimated_f1: shownEstimate(r.estimated)?.f1 ?? null,
    drift_share: r.drift?.drift_share ?? null,
    dataset_drift: r.drift?.dataset_drift ?? null,
    prediction_drift: r.prediction_drift?.score ?? null,
    labels: q.n,
    current_rows: r.current_rows,
  };
}

function snapshotOf(r: ContractMonitorReport): MonitorSnapshot {
  return { at: r.at, modelVersion: r.model_version, payload: historyPoint(r) };
}

export class MonitorHistory {
  private timer: NodeJS.Timeout | null = null;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly monitor: ContractMonitor,
    readonly store: MonitorSnapshotStore,
  ) {}

  /** A report now, kept as a point whatever the history holds (an operator asked). */
  async run(): Promise<ContractMonitorReport> {
    const r = this.monitor.report();
    await this.store.saveSnapshot(snapshotOf(r));
    return r;
  }

  /** A point every `intervalMs`, unless another server sharing the history kept one meanwhile. */
  start(intervalMs: number, onError: (e: unknown) => void): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      // A report that throws is said and skipped: thrown from a timer it ended the process, on every
      // replica at once and again after each restart (trial 4).
      let r: ContractMonitorReport;
      try {
        r = this.monitor.report();
      } catch (e) {
        onError(e);
        return;
      }
      this.pending = this.store.saveSnapshot(snapshotOf(r), r.at - DUE_FRACTION * intervalMs).catch(onError);
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a point being kept (the store closes next). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pending;
  }
}
