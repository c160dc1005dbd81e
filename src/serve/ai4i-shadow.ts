// Shadow mode on the AI4I server: a second AI4I version scores every answered prediction after the
// answer is logged and sent. The routes hand over what they logged (the records, or a columnar
// batch): the readings in it are already validated, and the shadow rebuilds the five-column
// features from them in its own setImmediate turn, off the reply path. Its scores go to the
// prediction store's shadow table beside the champion's, and into the pairs the comparison is made
// of; labels come from POST /v1/feedback by prediction id.
import { MillwrightError } from "../core/errors.js";
import { featureMatrix, featureMatrixOfColumns } from "../features/physics.js";
import { compareShadowLabelled, type ShadowPair } from "../monitor/shadow.js";
import type { ModelRegistry } from "../registry/registry.js";
import type {
  FeedbackItem,
  FeedbackOutcome,
  PredictionBatch,
  PredictionRecord,
  PredictionStore,
  ShadowScoreRecord,
} from "../store/types.js";
import { headProba, type ModelBundle } from "../train/bundle.js";
import { isHistoryModelJSON } from "../train/history-model.js";
import type { ModelService } from "./model-service.js";
import { ShadowLogBuffer } from "./shadow/log-buffer.js";
import type { ShadowControl, ShadowSummary } from "./shadow/control.js";
import type { ShadowMetrics } from "./shadow/metrics.js";
import { ShadowQueue } from "./shadow/queue.js";

/** Pairs kept for the comparison (the contract server's window), and labels kept for them. */
export const SHADOW_PAIRS = 5000;
const LABELS_KEPT = 4 * SHADOW_PAIRS;
export const SHADOW_QUEUE = 20_000;
/** Readings scored per event-loop turn: single readings come one item each and are scored one by one, so 128 keep a turn short. */
export const SHADOW_BATCH = 128;

/** What the routes hand over: the records logged, or a columnar batch. */
type Item = { records: readonly PredictionRecord[] } | { batch: PredictionBatch };
const sizeOf = (it: Item) => ("batch" in it ? it.batch.n : it.records.length);

/** An item's answers: ids, the champion's version and scores, and the features (built on demand). */
function answered(it: Item) {
  if ("batch" in it) {
    const b = it.batch;
    return {
      version: b.modelVersion,
      ids: b.ids,
      champP: b.failureProbability as ArrayLike<number>,
      features: () => featureMatrixOfColumns(b.type, b.raw, b.n),
    };
  }
  const rs = it.records;
  return {
    version: rs[0].modelVersion,
    ids: rs.map((r) => r.id),
    champP: rs.map((r) => r.failureProbability) as ArrayLike<number>,
    features: () => featureMatrix(rs.map((r) => r.reading)),
  };
}

/** What the prediction and feedback routes call (Ctx.shadow); each is a no-op with no shadow running. */
export interface ShadowTap {
  offerRecords(records: readonly PredictionRecord[]): void;
  offerBatch(b: PredictionBatch): void;
  labelled(items: readonly FeedbackItem[], outcomes: readonly FeedbackOutcome[]): void;
}

export interface Ai4iShadowOptions {
  registry: ModelRegistry;
  models: ModelService;
  store: PredictionStore;
  metrics?: ShadowMetrics;
  capacity?: number;
  batch?: number;
  warn?: (msg: string) => void;
}

export class Ai4iShadow implements ShadowControl, ShadowTap {
  private model: ModelBundle | null = null;
  private queue: ShadowQueue<Item> | null = null;
  private started: number | null = null;
  private pairs: ShadowPair[] = [];
  private pairsChampion: string | null = null;
  private scored = 0;
  /** Labels by prediction id (insertion order: the oldest are forgotten first). */
  private readonly labels = new Map<string, 0 | 1>();
  private readonly log: ShadowLogBuffer<ShadowScoreRecord>;

  constructor(private readonly o: Ai4iShadowOptions) {
    this.log = new ShadowLogBuffer((rows) => o.store.logShadow(rows), o.warn);
  }

  get version(): string | null {
    return this.model?.version ?? null;
  }

  get startedAt(): number | null {
    return this.started;
  }

  async start(ref: string): Promise<{ version: string; replaced: string | null }> {
    const champ = this.o.models.require().bundle;
    const { version, obj } = this.o.registry.readModelJson(ref);
    if (isHistoryModelJSON(obj))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} is a data-contract model: this server compares AI4I models only`,
        { version },
      );
    // The shadow reads the champion's inputs: a bundle of other features could not score them.
    const names = (obj as { featureNames?: unknown }).featureNames;
    if (!Array.isArray(names) || names.join("\u0000") !== champ.featureNames.join("\u0000"))
      throw new MillwrightError(
        "MW_CONFLICT",
        `version ${version} was trained on other features than the champion ${champ.version}: shadow mode compares models of one feature set`,
        { version },
      );
    if (version === champ.version)
      throw new MillwrightError("MW_CONFLICT", `version ${version} is the champion: nothing to compare`, {
        version,
      });
    const model = this.o.registry.load(version); // checked as the model service loads one
    const replaced = this.stop().stopped;
    this.model = model;
    this.started = Date.now();
    this.pairs = [];
    this.scored = 0;
    this.log.errors = 0;
    const m = this.o.metrics;
    this.queue = new ShadowQueue<Item>({
      capacity: this.o.capacity ?? SHADOW_QUEUE,
      batch: this.o.batch ?? SHADOW_BATCH,
      size: sizeOf,
      run: (items) => this.run(model, items),
      dropped: (n) => m?.dropped.inc(n),
      failed: (e) => this.o.warn?.(`shadow ${version}: ${(e as Error).message}`),
    });
    return { version, replaced };
  }

  stop(): { stopped: string | null } {
    const stopped = this.version;
    void this.log.flush(); // what was scored is still worth keeping
    this.queue?.close();
    this.queue = null;
    this.model = null;
    this.started = null;
    return { stopped };
  }

  /** Everything queued so far scored and logged (tests; a clean stop). */
  async idle(): Promise<void> {
    await this.queue?.idle();
    await this.log.flush();
  }

  offerRecords(records: readonly PredictionRecord[]): void {
    if (records.length > 0) this.queue?.offer({ records });
  }

  offerBatch(batch: PredictionBatch): void {
    if (batch.n > 0) this.queue?.offer({ batch });
  }

  labelled(items: readonly FeedbackItem[], outcomes: readonly FeedbackOutcome[]): void {
    if (!this.model) return;
    items.forEach((it, i) => {
      // A duplicate repeats the stored label: it teaches a shadow started after the first one.
      if (outcomes[i] === "accepted" || outcomes[i] === "duplicate")
        this.labels.set(it.predictionId, it.machineFailure);
    });
    for (const id of this.labels.keys()) {
      if (this.labels.size <= LABELS_KEPT) break;
      this.labels.delete(id);
    }
  }

  private run(model: ModelBundle, items: Item[]): void {
    if (this.model !== model) return; // stopped or replaced since these were queued
    const champion = this.o.models.current?.bundle.version ?? null;
    const out: ShadowScoreRecord[] = [];
    const at = Date.now();
    if (champion === model.version) {
      this.stop(); // the shadow was promoted: it is the champion now
      return;
    }
    for (const it of items) {
      const a = answered(it);
      // Answers of another version than the one served (an OIP call naming a version, the shadow's
      // own included) are not the champion's: they stay out of the comparison.
      if (a.version !== champion) continue;
      if (a.version !== this.pairsChampion) {
        this.pairs = [];
        this.pairsChampion = a.version;
      }
      // Only the head the comparison reads: the mode heads would cost several times as much.
      const p = headProba(model.heads.machine_failure, a.features());
      const { ids, champP, version } = a;
      for (let i = 0; i < ids.length; i++) {
        // Each answer is its own "machine": labelled by its prediction id (compareShadowLabelled).
        this.pairs.push({ machine: ids[i], time: 0, champion: champP[i], shadow: p[i] });
        out.push({
          predictionId: ids[i],
          modelVersion: model.version,
          failureProbability: p[i],
          championVersion: version,
          championProbability: champP[i],
          scoredAt: at,
        });
      }
    }
    if (this.pairs.length > SHADOW_PAIRS + 1000) this.pairs = this.pairs.slice(-SHADOW_PAIRS);
    this.scored += out.length;
    this.o.metrics?.scored.inc(out.length);
    this.log.add(out);
  }

  summary(): ShadowSummary {
    const served = this.o.models.current?.bundle ?? null;
    const m = this.model;
    const q = this.queue;
    if (!m || !q || !served)
      return {
        active: false,
        version: null,
        champion: served?.version ?? "",
        started_at: null,
        queue: null,
        comparison: null,
        thresholds: null,
      };
    const thresholds = { champion: served.threshold.value, shadow: m.threshold.value };
    const pairs = this.pairsChampion === served.version ? this.pairs.slice(-SHADOW_PAIRS) : [];
    return {
      active: true,
      version: m.version,
      champion: served.version,
      started_at: new Date(this.started ?? 0).toISOString(),
      queue: {
        capacity: this.o.capacity ?? SHADOW_QUEUE,
        waiting: q.waiting,
        offered: q.offered,
        scored: this.scored,
        dropped: q.dropped,
        log_errors: this.log.errors,
      },
      comparison: compareShadowLabelled(pairs, this.labels, thresholds),
      thresholds,
    };
  }
}
