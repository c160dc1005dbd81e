// Shadow mode on a data-contract server: a second version of the same contract scores every answered
// request's feature rows (the champion's, queued: the features come from the one fleet history, so
// the shadow needs no history of its own) after the answer is sent. Its scores go to the history
// log's shadow table beside the champion's, and into the pairs the comparison is made of. As an
// observer of the service it sees failures and machine times, which label the pairs (the monitor's
// censoring: monitor/contract-quality.ts).
import { MillwrightError } from "../../core/errors.js";
import type { FeatureMatrix } from "../../features/build.js";
import type { Happened } from "../../monitor/contract-quality.js";
import { compareShadow, type ShadowPair } from "../../monitor/shadow.js";
import type { ModelRegistry } from "../../registry/registry.js";
import type { HistoryLog, LoggedReading, ShadowScore } from "../../store/history/types.js";
import { headProba } from "../../train/bundle.js";
import { type HistoryModel, isHistoryModelJSON } from "../../train/history-model.js";
import type { ShadowControl, ShadowSummary } from "../shadow/control.js";
import type { ShadowMetrics } from "../shadow/metrics.js";
import { ShadowLogBuffer } from "../shadow/log-buffer.js";
import { ShadowQueue } from "../shadow/queue.js";
import { type ContractService, type HistoryObserver, loadHistoryModel } from "./contract-service.js";

/** Pairs kept for the comparison: the monitor's window (RECENT_READINGS). */
export const SHADOW_PAIRS = 5000;
export const SHADOW_QUEUE = 20_000;
/** Requests scored per event-loop turn, kept short as on the AI4I shadow (2,000 held answers longer). */
export const SHADOW_BATCH = 128;

interface Item {
  rows: readonly LoggedReading[];
  X: FeatureMatrix;
}

export interface ContractShadowOptions {
  registry: ModelRegistry;
  service: ContractService;
  log: HistoryLog;
  metrics?: ShadowMetrics;
  capacity?: number;
  batch?: number;
  /** A batch that failed to score or log (best effort: reported, never thrown at a request). */
  warn?: (msg: string) => void;
}

export class ContractShadow implements HistoryObserver, ShadowControl {
  private model: HistoryModel | null = null;
  private queue: ShadowQueue<Item> | null = null;
  private started: number | null = null;
  private pairs: ShadowPair[] = [];
  /** The champion version the pairs were answered by: a swap starts the comparison afresh. */
  private pairsChampion: string | null = null;
  private scored = 0;
  private readonly failures: Happened[] = [];
  private readonly seen = new Map<string, number>();
  /** Scores gathered and logged in groups (shared with the AI4I shadow: serve/shadow/log-buffer.ts). */
  private readonly toLog: ShadowLogBuffer<ShadowScore>;

  constructor(private readonly o: ContractShadowOptions) {
    this.toLog = new ShadowLogBuffer((rows) => o.log.appendShadow(rows), o.warn);
    o.service.onScored = (rows, X) => {
      this.queue?.offer({ rows, X });
    };
  }

  get version(): string | null {
    return this.model?.version ?? null;
  }

  get startedAt(): number | null {
    return this.started;
  }

  async start(ref: string): Promise<{ version: string; replaced: string | null }> {
    const version = this.o.registry.resolve(ref);
    // A version that is no data-contract model (an AI4I bundle) is the caller's mistake, not a corrupt file.
    if (!isHistoryModelJSON(this.o.registry.readModelJson(version).obj))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} is not a data-contract model: shadow mode compares models of this server's contract`,
        { version },
      );
    const model = loadHistoryModel(this.o.registry, version);
    const champ = this.o.service.model;
    if (model.contract.name !== champ.contract.name)
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} is a model for contract '${model.contract.name}'; this server serves '${champ.contract.name}'`,
        { version, contract: model.contract.name },
      );
    // The shadow scores the champion's feature rows: it must read them the same way.
    if (model.featureNames.join("\u0000") !== champ.featureNames.join("\u0000"))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} was trained on other features than the champion ${champ.version} (${model.featureNames.length} vs ${champ.featureNames.length}): shadow mode compares models of one feature plan`,
        { version },
      );
    if (version === champ.version)
      throw new MillwrightError("MW_CONFLICT", `version ${version} is the champion: nothing to compare`, {
        version,
      });
    const replaced = this.stop().stopped;
    this.model = model;
    this.started = Date.now();
    this.pairs = [];
    this.scored = 0;
    this.toLog.errors = 0;
    const m = this.o.metrics;
    this.queue = new ShadowQueue<Item>({
      capacity: this.o.capacity ?? SHADOW_QUEUE,
      batch: this.o.batch ?? SHADOW_BATCH,
      size: (it) => it.rows.length,
      run: (items) => this.run(model, items),
      dropped: (n) => m?.dropped.inc(n),
      failed: (e) => this.o.warn?.(`shadow ${version}: ${(e as Error).message}`),
    });
    return { version, replaced };
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

  private run(model: HistoryModel, items: Item[]): void {
    if (this.model !== model) return; // stopped or replaced since these were queued
    const out: ShadowScore[] = [];
    const at = Date.now();
    for (const { rows, X } of items) {
      const champion = rows[0]?.modelVersion;
      if (champion === model.version) {
        this.stop(); // the shadow was promoted: it is the champion now
        return;
      }
      if (champion !== this.pairsChampion) {
        this.pairs = [];
        this.pairsChampion = champion;
      }
      // Only the head the comparison reads: the per-kind heads would cost several times as much.
      const head = model.heads.machine_failure;
      if (!head) throw new Error(`model ${model.version} has no machine_failure head`);
      const p = headProba(head, X);
      rows.forEach((r, i) => {
        this.pairs.push({ machine: r.machine, time: r.time, champion: r.failureProbability, shadow: p[i] });
        out.push({
          id: r.id,
          machine: r.machine,
          time: r.time,
          modelVersion: model.version,
          failureProbability: p[i],
          championVersion: r.modelVersion,
          championProbability: r.failureProbability,
          scoredAt: at,
        });
      });
    }
    if (this.pairs.length > SHADOW_PAIRS + 1000) this.pairs = this.pairs.slice(-SHADOW_PAIRS);
    this.scored += out.length;
    this.o.metrics?.scored.inc(out.length);
    this.toLog.add(out);
  }

  reading(machine: string, time: number): void {
    if (time > (this.seen.get(machine) ?? Number.NEGATIVE_INFINITY)) this.seen.set(machine, time);
  }

  event(table: string, machine: string, time: number): void {
    this.reading(machine, time);
    if (table === "failures") this.failures.push({ machine, time });
  }

  reset(): void {
    this.failures.length = 0;
    this.seen.clear();
  }

  summary(): ShadowSummary {
    const champ = this.o.service.model;
    const m = this.model;
    const q = this.queue;
    if (!m || !q)
      return {
        active: false,
        version: null,
        champion: champ.version,
        started_at: null,
        queue: null,
        comparison: null,
        thresholds: null,
      };
    const thresholds = { champion: champ.threshold.value, shadow: m.threshold.value };
    const pairs = this.pairsChampion === champ.version ? this.pairs.slice(-SHADOW_PAIRS) : [];
    const horizon = champ.contract.failures?.horizon.size ?? 0;
    return {
      active: true,
      version: m.version,
      champion: champ.version,
      started_at: new Date(this.started ?? 0).toISOString(),
      queue: {
        capacity: this.o.capacity ?? SHADOW_QUEUE,
        waiting: q.waiting,
        offered: q.offered,
        scored: this.scored,
        dropped: q.dropped,
        log_errors: this.toLog.errors,
      },
      comparison: compareShadow(pairs, this.failures, horizon, this.seen, thresholds),
      thresholds,
    };
  }
}
