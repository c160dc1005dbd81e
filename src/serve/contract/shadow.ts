// Shadow mode on a data-contract server: a second version of the same contract scores every answered
// request's feature rows (the champion's, queued: the features come from the one fleet history, so
// the shadow needs no history of its own) after the answer is sent. Its scores go to the history
// log's shadow table beside the champion's, and into the pairs the comparison is made of. As an
// observer of the service it sees failures and machine times, which label the pairs (the monitor's
// censoring: monitor/contract-quality.ts).
//
// The running part: the model in shadow, its bounded queue (serve/shadow/queue.ts), the
// champion/shadow score pairs the comparison reads, and the scores logged in groups.
//
// Shadow scores are gathered and logged in groups every SHADOW_LOG_MS: the store's writer also
// commits the answers, and a commit of its own per queue drain would make answers wait behind shadow
// commits; one group a second was too big the other way (~13,000 rows at 64 connections: handing
// them to the writer thread and committing them held answers for tens of ms, the p99 of
// bench/serve-shadow.ts with BENCH_SHADOW_MODEL=ai4i went from 8 to 50 ms).
// On the history log's SQLite file a group is then split further and rides in the answers' own
// commits (store/shadow-rides.ts). Best effort: a group that fails is counted and reported,
// never thrown at a request.
import { MillwrightError } from "../../core/errors.js";
import type { FeatureMatrix } from "../../features/build.js";
import type { Happened } from "../../monitor/contract-quality.js";
import { type ShadowComparison, type ShadowPair, compareShadow } from "../../monitor/shadow.js";
import type { ModelRegistry } from "../../registry/registry.js";
import type { ShadowPeriod } from "../../retrain/shadow-gate.js";
import type { HistoryLog, ReadingGroup, ShadowScore } from "../../store/history/types.js";
import { headProba } from "../../train/bundle.js";
import { type HistoryModel, isHistoryModelJSON } from "../../train/history-model.js";
import type { ShadowMetrics } from "../shadow/metrics.js";
import { ShadowQueue } from "../shadow/queue.js";
import type { ContractService, HistoryObserver } from "./contract-service.js";

/** Pairs kept for the comparison: the contract monitor's window (RECENT_READINGS). */
const SHADOW_PAIRS = 5000;
/** Readings waiting at most; beyond, offers are dropped and counted. */
const SHADOW_QUEUE = 20_000;
/** Readings scored per event-loop turn, so a turn stays short (2,000 held answers longer). */
const SHADOW_BATCH = 128;
/** Scores logged at most this often (ms). */
const SHADOW_LOG_MS = 100;
/** Scores waiting to be logged at most; beyond, they are counted as not logged (the store is behind). */
const SHADOW_LOG_MAX = 50_000;

interface Item {
  /** The request's readings by column, as logged (no object per reading). */
  group: ReadingGroup;
  X: FeatureMatrix;
}

export interface ShadowSummary {
  active: boolean;
  version: string | null;
  /** The champion the pairs were answered by. */
  champion: string;
  started_at: string | null;
  queue: {
    capacity: number;
    waiting: number;
    /** Readings offered to the shadow since it started, scored, and dropped (queue full). */
    offered: number;
    scored: number;
    dropped: number;
    /** Batches whose shadow scores could not be logged (the comparison still has them). */
    log_errors: number;
  } | null;
  comparison: ShadowComparison | null;
  thresholds: { champion: number; shadow: number } | null;
}

export interface ContractShadowOptions {
  registry: ModelRegistry;
  service: ContractService;
  log: HistoryLog;
  /** Counted as it scores; its comparison gauges read the summary. */
  metrics?: ShadowMetrics;
  capacity?: number;
  batch?: number;
  /** A batch that failed to score or log (best effort: reported, never thrown at a request). */
  warn?: (msg: string) => void;
}

/**
 * What the routes, the CLI and the retraining gate (its shadow period: start, stop and evidence)
 * are offered: start a version in shadow, stop it, and the comparison so far.
 */
export class ContractShadow implements ShadowPeriod, HistoryObserver {
  /** The model in shadow, its queue, and when it started; null: none. */
  private running: { model: HistoryModel; queue: ShadowQueue<Item>; started: number } | null = null;
  private pairs: ShadowPair[] = [];
  /** The champion version the pairs were answered by: a new champion starts the comparison afresh. */
  private pairsChampion: string | null = null;
  private scored = 0;
  /** Scores waiting to be logged, the timer that logs them, and groups not logged (store failed or behind). */
  private toLog: ShadowScore[] = [];
  private logTimer: NodeJS.Timeout | null = null;
  private logErrors = 0;
  private readonly failures: Happened[] = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly deps: ContractShadowOptions) {
    deps.service.onScored = (group, X) => this.running?.queue.offer({ group, X });
    deps.metrics?.follow(() => this.summary());
  }

  get version(): string | null {
    return this.running?.model.version ?? null;
  }

  /** Loads `ref` (version or alias) and starts scoring in shadow; replaces a shadow already running. */
  async start(ref: string): Promise<{ version: string; replaced: string | null }> {
    const version = this.deps.registry.resolve(ref);
    const refuse = (why: string, details: object = {}) =>
      new MillwrightError("MW_CONFLICT", `version ${version} ${why}`, { version, ...details });
    // A version that is no data-contract model (an AI4I bundle) is the caller's mistake, not a corrupt file.
    if (!isHistoryModelJSON(this.deps.registry.readModelJson(version).obj))
      throw refuse("is not a data-contract model: shadow mode compares models of this server's contract");
    const model = this.deps.registry.historyModel(version);
    const champ = this.deps.service.model;
    if (model.contract.name !== champ.contract.name)
      throw refuse(
        `is a model for contract '${model.contract.name}'; this server serves '${champ.contract.name}'`,
        { contract: model.contract.name },
      );
    // The shadow scores the champion's feature rows: it must read them the same way.
    if (model.featureNames.join("\u0000") !== champ.featureNames.join("\u0000"))
      throw refuse(
        `was trained on other features than the champion ${champ.version} (${model.featureNames.length} vs ${champ.featureNames.length}): shadow mode compares models of one feature plan`,
      );
    if (version === champ.version) throw refuse("is the champion: nothing to compare");
    const replaced = this.stop().stopped;
    this.pairs = [];
    this.scored = 0;
    this.logErrors = 0;
    const d = this.deps;
    const queue = new ShadowQueue<Item>({
      capacity: d.capacity ?? SHADOW_QUEUE,
      batch: d.batch ?? SHADOW_BATCH,
      size: (it) => it.group.n,
      run: (items) => {
        if (this.running?.model === model) this.score(model, items); // else stopped or replaced since queued
      },
      dropped: (n) => d.metrics?.dropped.inc(n),
      failed: (e) => d.warn?.(`shadow ${model.version}: ${(e as Error).message}`),
    });
    this.running = { model, queue, started: Date.now() };
    return { version: model.version, replaced };
  }

  /** Stops the shadow (none running: a no-op); returns the version stopped. */
  stop(): { stopped: string | null } {
    const stopped = this.version;
    void this.flushLog(); // what was scored is still worth keeping
    this.running?.queue.close();
    this.running = null;
    return { stopped };
  }

  /** Everything queued so far scored and logged (tests; a clean stop). */
  async idle(): Promise<void> {
    await this.running?.queue.idle();
    await this.flushLog();
  }

  private score(model: HistoryModel, items: Item[]): void {
    const out: ShadowScore[] = [];
    const at = Date.now();
    // Only the head the comparison reads: the per-kind heads would cost several times as much.
    const head = model.heads.machine_failure;
    if (!head) throw new Error(`model ${model.version} has no machine_failure head`);
    for (const { group: g, X } of items) {
      const champion = g.modelVersion;
      if (champion === model.version) {
        this.stop(); // the shadow was promoted: it is the champion now
        return;
      }
      // Another champion than before: a fresh list.
      if (champion !== this.pairsChampion) {
        this.pairs = [];
        this.pairsChampion = champion;
      }
      const p = headProba(head, X);
      for (let i = 0; i < g.n; i++) {
        const machine = g.machines[i];
        const time = g.times[i];
        this.pairs.push({ machine, time, champion: g.failure[i], shadow: p[i] });
        out.push({
          id: g.ids[i],
          machine,
          time,
          modelVersion: model.version,
          failureProbability: p[i],
          championVersion: g.modelVersion,
          championProbability: g.failure[i],
          scoredAt: at,
        });
      }
    }
    if (this.pairs.length > SHADOW_PAIRS + 1000) this.pairs = this.pairs.slice(-SHADOW_PAIRS);
    this.scored += out.length;
    this.deps.metrics?.scored.inc(out.length);
    this.logLater(out);
  }

  private logLater(rows: readonly ShadowScore[]): void {
    if (rows.length === 0) return;
    if (this.toLog.length + rows.length > SHADOW_LOG_MAX) {
      this.logErrors++;
      return;
    }
    for (const r of rows) this.toLog.push(r);
    this.logTimer ??= setTimeout(() => void this.flushLog(), SHADOW_LOG_MS).unref();
  }

  /** Logs what is gathered now (the timer, a stop, tests). */
  private async flushLog(): Promise<void> {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = null;
    const rows = this.toLog;
    this.toLog = [];
    if (rows.length === 0) return;
    try {
      await this.deps.log.appendShadow(rows);
    } catch (e) {
      this.logErrors++;
      this.deps.warn?.(`shadow scores not logged: ${(e as Error).message}`);
    }
  }

  group(g: ReadingGroup): void {
    for (let i = 0; i < g.n; i++) this.see(g.machines[i], g.times[i]);
  }

  private see(machine: string, time: number): void {
    if (time > (this.seen.get(machine) ?? Number.NEGATIVE_INFINITY)) this.seen.set(machine, time);
  }

  event(table: string, machine: string, time: number): void {
    this.see(machine, time);
    if (table === "failures") this.failures.push({ machine, time });
  }

  reset(): void {
    this.failures.length = 0;
    this.seen.clear();
  }

  /** The shadow period's evidence: which version, since when, and the comparison so far. */
  evidence() {
    return {
      version: this.version,
      startedAt: this.running?.started ?? null,
      comparison: this.summary().comparison,
    };
  }

  summary(): ShadowSummary {
    const champion = this.deps.service.model;
    if (!this.running)
      return {
        active: false,
        version: null,
        champion: champion.version,
        started_at: null,
        queue: null,
        comparison: null,
        thresholds: null,
      };
    const { model: m, queue: q, started } = this.running;
    const thresholds = { champion: champion.threshold.value, shadow: m.threshold.value };
    const pairs = this.pairsChampion === champion.version ? this.pairs.slice(-SHADOW_PAIRS) : [];
    const horizon = champion.contract.failures?.horizon.size ?? 0;
    return {
      active: true,
      version: m.version,
      champion: champion.version,
      started_at: new Date(started).toISOString(),
      queue: {
        capacity: this.deps.capacity ?? SHADOW_QUEUE,
        waiting: q.waiting,
        offered: q.offered,
        scored: this.scored,
        dropped: q.dropped,
        log_errors: this.logErrors,
      },
      comparison: compareShadow(pairs, this.failures, horizon, this.seen, thresholds),
      thresholds,
    };
  }
}
