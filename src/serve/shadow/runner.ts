// The shadow's running part (serve/contract/shadow.ts adds which versions it accepts, how it scores
// an item, and how its pairs are labelled): the model in shadow, its bounded queue, the
// champion/shadow score pairs the comparison reads, the scores logged in groups, and the summary's
// queue figures.
import type { ShadowComparison, ShadowPair } from "../../monitor/shadow.js";
import type { ShadowScore } from "../../store/history/types.js";
import type { HistoryModel } from "../../train/history-model.js";
import type { ShadowSummary } from "./control.js";
import { ShadowLogBuffer } from "./log-buffer.js";
import type { ShadowMetrics } from "./metrics.js";
import { ShadowQueue } from "./queue.js";

/** Pairs kept for the comparison: the contract monitor's window (RECENT_READINGS). */
export const SHADOW_PAIRS = 5000;
/** Readings waiting at most; beyond, offers are dropped and counted. */
export const SHADOW_QUEUE = 20_000;
/** Readings scored per event-loop turn, so a turn stays short (2,000 held answers longer). */
export const SHADOW_BATCH = 128;

export interface ShadowRunnerOptions {
  metrics?: ShadowMetrics;
  capacity?: number;
  batch?: number;
  /** A batch that failed to score or log (best effort: reported, never thrown at a request). */
  warn?: (msg: string) => void;
}

export abstract class ShadowRunner<Item> {
  private model: HistoryModel | null = null;
  private queue: ShadowQueue<Item> | null = null;
  private started: number | null = null;
  private pairs: ShadowPair[] = [];
  /** The champion version the pairs were answered by: a new champion starts the comparison afresh. */
  private pairsChampion: string | null = null;
  private scored = 0;
  private readonly toLog: ShadowLogBuffer<ShadowScore>;

  constructor(
    private readonly runner: ShadowRunnerOptions,
    write: (rows: ShadowScore[]) => Promise<void>,
    private readonly sizeOf: (item: Item) => number,
  ) {
    this.toLog = new ShadowLogBuffer(write, runner.warn);
  }

  get version(): string | null {
    return this.model?.version ?? null;
  }

  get startedAt(): number | null {
    return this.started;
  }

  /** Scores `items` with `model` (the one in shadow when they were queued). */
  protected abstract score(model: HistoryModel, items: Item[]): void;

  /** Puts `model` in shadow, replacing the one there. */
  protected begin(model: HistoryModel): { version: string; replaced: string | null } {
    const replaced = this.stop().stopped;
    this.model = model;
    this.started = Date.now();
    this.pairs = [];
    this.scored = 0;
    this.toLog.errors = 0;
    const m = this.runner.metrics;
    this.queue = new ShadowQueue<Item>({
      capacity: this.runner.capacity ?? SHADOW_QUEUE,
      batch: this.runner.batch ?? SHADOW_BATCH,
      size: this.sizeOf,
      run: (items) => {
        if (this.model === model) this.score(model, items); // else stopped or replaced since queued
      },
      dropped: (n) => m?.dropped.inc(n),
      failed: (e) => this.runner.warn?.(`shadow ${model.version}: ${(e as Error).message}`),
    });
    return { version: model.version, replaced };
  }

  stop(): { stopped: string | null } {
    const stopped = this.version;
    void this.toLog.flush(); // what was scored is still worth keeping
    this.queue?.close();
    this.queue = null;
    this.model = null;
    this.started = null;
    return { stopped };
  }

  /** Everything queued so far scored and logged (tests; a clean stop). */
  async idle(): Promise<void> {
    await this.queue?.idle();
    await this.toLog.flush();
  }

  protected offer(item: Item): void {
    this.queue?.offer(item);
  }

  /** The pairs to add to for answers of `champion` (another champion than before: a fresh list). */
  protected pairsOf(champion: string): ShadowPair[] {
    if (champion !== this.pairsChampion) {
      this.pairs = [];
      this.pairsChampion = champion;
    }
    return this.pairs;
  }

  /** Counts and logs a turn's scores (their pairs are in already). */
  protected scoredAll(out: ShadowScore[]): void {
    if (this.pairs.length > SHADOW_PAIRS + 1000) this.pairs = this.pairs.slice(-SHADOW_PAIRS);
    this.scored += out.length;
    this.runner.metrics?.scored.inc(out.length);
    this.toLog.add(out);
  }

  /** The summary against `champion`, compared by the server's `compare`. */
  protected summaryAgainst(
    champion: HistoryModel,
    compare: (pairs: ShadowPair[], thresholds: { champion: number; shadow: number }) => ShadowComparison,
  ): ShadowSummary {
    const m = this.model;
    const q = this.queue;
    if (!m || !q)
      return {
        active: false,
        version: null,
        champion: champion.version,
        started_at: null,
        queue: null,
        comparison: null,
        thresholds: null,
      };
    const thresholds = { champion: champion.threshold.value, shadow: m.threshold.value };
    const pairs = this.pairsChampion === champion.version ? this.pairs.slice(-SHADOW_PAIRS) : [];
    return {
      active: true,
      version: m.version,
      champion: champion.version,
      started_at: new Date(this.started ?? 0).toISOString(),
      queue: {
        capacity: this.runner.capacity ?? SHADOW_QUEUE,
        waiting: q.waiting,
        offered: q.offered,
        scored: this.scored,
        dropped: q.dropped,
        log_errors: this.toLog.errors,
      },
      comparison: compare(pairs, thresholds),
      thresholds,
    };
  }
}
