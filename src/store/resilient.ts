// Keeps the prediction log's promise when the database goes away: records the database cannot take
// are appended to a bounded, fsync'd local spool (so the API keeps answering), and a background loop
// replays them once the database answers again. Replays are idempotent (INSERT OR IGNORE / ON CONFLICT
// DO NOTHING), so a record whose commit outcome was unknown is never duplicated. When the spool is
// full, logPredictions rejects with MW_STORE_UNAVAILABLE (HTTP 503): refused, never silently lost.
import { isMillwrightError, MillwrightError } from "../core/errors.js";
import { batchRecords, logBatch } from "./batch.js";
import { Spool } from "./spool.js";
import type * as Store from "./types.js";
import { isUnavailableError } from "./unavailable.js";

export interface ResilientOptions {
  dir: string;
  maxRecords: number;
  /** How often the replay loop checks the database while records are spooled (default 1000 ms). */
  replayIntervalMs?: number;
  /** Which errors mean "database unreachable" (default: connection / I/O errors, see unavailable.ts). */
  isUnavailable?: (e: unknown) => boolean;
  /** Degraded state changes and replay errors, for logs and metrics. */
  onEvent?: (e: {
    type: "degraded" | "recovered" | "replayed" | "replay-failed";
    records?: number;
    error?: unknown;
  }) => void;
}

export class ResilientStore implements Store.PredictionStore {
  readonly kind: "sqlite" | "postgres";
  private readonly spool: Spool;
  private spooling = false;
  private needsInit = false;
  private timer: NodeJS.Timeout | null = null;
  private replaying: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly isUnavailable: (e: unknown) => boolean;

  constructor(
    readonly inner: Store.PredictionStore,
    private readonly opts: ResilientOptions,
  ) {
    this.kind = inner.kind;
    this.spool = new Spool({ dir: opts.dir, maxRecords: opts.maxRecords });
    this.isUnavailable = opts.isUnavailable ?? isUnavailableError;
  }

  /** True while records are being spooled or wait in the spool for replay. */
  degraded(): boolean {
    return this.spooling || this.spool.size() > 0;
  }

  writeProblem(): Store.WriteProblem | null {
    return this.inner.writeProblem?.() ?? null;
  }

  spoolSize(): number {
    return this.spool.size();
  }

  async init(): Promise<void> {
    await this.spool.open();
    try {
      await this.inner.init();
    } catch (e) {
      // Start degraded rather than crash-loop: migrations run when the database returns.
      if (!this.isUnavailable(e)) throw e;
      this.needsInit = true;
      this.setSpooling(true, e);
    }
    const every = this.opts.replayIntervalMs ?? 1000;
    this.timer ??= setInterval(() => void this.replayNow(), every);
    this.timer.unref();
    if (this.spool.size() > 0) void this.replayNow(); // records a previous process left behind
  }

  logPredictions(records: Store.PredictionRecord[]): Promise<void> {
    const p = this.log(records);
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  logBatch(b: Store.PredictionBatch): Promise<void> {
    const p = this.log(b);
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  private async log(what: Store.PredictionRecord[] | Store.PredictionBatch): Promise<void> {
    if (!this.spooling) {
      try {
        if (Array.isArray(what)) await this.inner.logPredictions(what);
        else await logBatch(this.inner, what);
        return;
      } catch (e) {
        if (!this.isUnavailable(e)) throw e;
        this.setSpooling(true, e);
      }
    }
    // While degraded, go straight to the spool: no request waits on a dead database's timeouts.
    await this.spool.append(Array.isArray(what) ? what : batchRecords(what));
  }

  /** One replay pass (also run by the background loop). Safe to call concurrently. */
  replayNow(): Promise<void> {
    if (!this.degraded() && !this.needsInit) return Promise.resolve();
    this.replaying ??= this.replayPasses().finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  private async replayPasses(): Promise<void> {
    try {
      if (this.needsInit) {
        await this.inner.init();
        this.needsInit = false;
      } else if (!(await this.inner.healthy())) return;
      // Pass 1 proves the database takes writes again; then new records go direct, and a second pass
      // collects what was appended to the spool meanwhile.
      for (let pass = 0; pass < 3 && this.spool.size() > 0; pass++) {
        const n = await this.spool.replay((rs) => this.inner.logPredictions(rs));
        if (n > 0) this.opts.onEvent?.({ type: "replayed", records: n });
        if (pass === 0) this.setSpooling(false);
      }
      this.setSpooling(false);
    } catch (e) {
      this.opts.onEvent?.({ type: "replay-failed", error: e });
    }
  }

  private setSpooling(on: boolean, error?: unknown): void {
    if (on === this.spooling) return;
    this.spooling = on;
    this.opts.onEvent?.({ type: on ? "degraded" : "recovered", error });
  }

  /** Other operations have no spool: a dead database becomes a clean 503, not an opaque 500. */
  private async guard<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isMillwrightError(e) || !this.isUnavailable(e)) throw e;
      throw new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `prediction store unavailable during ${op}: ${(e as Error).message}`,
        {
          op,
        },
      );
    }
  }

  async addFeedback(items: Store.FeedbackItem[]): Promise<Store.FeedbackOutcome[]> {
    // A label may refer to a prediction still in the spool: replay first so it is not "unknown".
    if (this.spool.size() > 0) await this.replayNow();
    return this.guard("addFeedback", () => this.inner.addFeedback(items));
  }

  getPrediction(id: string): Promise<Store.LabelledPrediction | null> {
    return this.guard("getPrediction", () => this.inner.getPrediction(id));
  }

  queryPredictions(opts: Store.QueryOptions): AsyncIterable<Store.LabelledPrediction> {
    return this.inner.queryPredictions(opts);
  }

  countPredictions(opts?: Store.QueryOptions): Promise<number> {
    return this.guard("countPredictions", () => this.inner.countPredictions(opts));
  }

  saveSnapshot(s: Store.MonitorSnapshot): Promise<void> {
    return this.guard("saveSnapshot", () => this.inner.saveSnapshot(s));
  }

  listSnapshots(limit: number): Promise<Store.MonitorSnapshot[]> {
    return this.guard("listSnapshots", () => this.inner.listSnapshots(limit));
  }

  appendAudit(e: Store.AuditEvent): Promise<void> {
    return this.guard("appendAudit", () => this.inner.appendAudit(e));
  }

  listAudit(kind?: string, limit?: number): Promise<Store.AuditEvent[]> {
    return this.guard("listAudit", () => this.inner.listAudit(kind, limit));
  }

  pageAudit(q: Store.AuditQuery): Promise<Store.StoredAuditEvent[]> {
    return this.guard("pageAudit", () => this.inner.pageAudit(q));
  }

  seenAlert(fingerprint: string, at: number, forgetBefore: number): Promise<number | null> {
    return this.guard("seenAlert", () => this.inner.seenAlert(fingerprint, at, forgetBefore));
  }

  /** Shadow scores are best effort, never spooled: while degraded they are refused at once. */
  logShadow(rows: Store.ShadowScoreRecord[]): Promise<void> {
    if (this.spooling)
      return Promise.reject(
        new MillwrightError(
          "MW_STORE_UNAVAILABLE",
          "prediction store degraded: shadow scores are not spooled",
          {
            op: "logShadow",
          },
        ),
      );
    return this.guard("logShadow", () => this.inner.logShadow(rows));
  }

  shadowScores(limit: number): Promise<Store.ShadowScoreRecord[]> {
    return this.guard("shadowScores", () => this.inner.shadowScores(limit));
  }

  healthy(): Promise<boolean> {
    return this.inner.healthy();
  }

  stats(): Store.StoreStats {
    return this.inner.stats?.() ?? { flushes: 0, records: 0, failedFlushes: 0 };
  }

  /** Stops the loop, lets in-flight writes land (in the database or the spool), closes both. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.replaying;
    await Promise.allSettled([...this.inFlight]);
    await this.inner.close();
    await this.spool.close();
  }
}
