// A data-contract model served: readings in, answers out, every reading and event in the history
// log, and the fleet's history rebuilt from that log on start. The one pipeline for contract
// models: validate (pipeline/readings) → features and predict (pipeline/scorer) → answer → log.
// One server (SQLite): score, then log (group commit), with no query before a request. A cluster
// (a shared log, PostgreSQL): the same steps in lock step with the log (lockstep.ts says why).
import { MillwrightError } from "../../core/errors.js";
import type { FeatureMatrix } from "../../features/build.js";
import { type ContractReason, explainReading } from "../../pipeline/contract-explain.js";
import { type ReadingColumns, toColumns } from "../../pipeline/readings.js";
import { FleetHistory } from "../../pipeline/scorer.js";
import type { ModelRegistry } from "../../registry/registry.js";
import type {
  HistoryLog,
  LabelIn,
  LabelOutcome,
  LoggedEvent,
  LoggedReading,
  SeqEntry,
} from "../../store/history/types.js";
import { type HistoryModel, historyModelFromJSON, isHistoryModelJSON } from "../../train/history-model.js";
import type { WriteProblem } from "../../store/write-problem.js";
import { uuidv7Many } from "../ids.js";
import { type EventIn, type EventOutcome, outcomeOf, parseEvents } from "./events.js";
import { LockStep } from "./lockstep.js";
import { type MachineAnswer, MachineTable } from "./machine-table.js";

export type { EventIn } from "./events.js";

export interface ContractAnswer {
  id: string;
  machine_id: string;
  timestamp: string | number;
  failure_probability: number;
  failure_predicted: boolean;
  /** Probability of a failure of each kind within the horizon (null: a kind without a head). */
  heads: Record<string, number | null>;
  likeliest_kind: string | null;
  model: { name: string; version: string };
  /** With ?explain=true: the three largest reasons, in the contract's words. */
  explanation?: ContractReason[];
}

/** Loads a version that must be a data-contract model. */
export function loadHistoryModel(registry: ModelRegistry, ref: string): HistoryModel {
  const { obj, file, version } = registry.readModelJson(ref);
  if (!isHistoryModelJSON(obj))
    throw new MillwrightError("MW_MODEL_CORRUPT", `${file}: model ${version} is not a data-contract model`, {
      file,
    });
  return historyModelFromJSON(obj, file);
}

/** More about a scored reading, for observers that show it (the fleet board). */
export interface ReadingDetail {
  id: string;
  predictedAt: number;
  heads: Record<string, number | null>;
  /** The reading's feature row: valid during the call only (copy it to keep it). */
  x: Float64Array;
}

/** A reading's values in contract order as logged (category codes; null where missing). */
export type LoggedValues = readonly (number | null)[];

/** Who else sees every reading and event applied (the monitor, the board), live, replayed or caught up. */
export interface HistoryObserver {
  reading(machine: string, time: number, p: number, values: LoggedValues, detail?: ReadingDetail): void;
  event(table: string, machine: string, time: number, detail?: { id: string; kind: string }): void;
  /** The ground truth of the reading with this id (a row-labelled contract's feedback). */
  label?(id: string, label: 0 | 1): void;
  /** The history is about to be replayed from the start (cluster mode after a failed step): forget it. */
  reset?(): void;
}

/** The most readings one request may ask to have explained (TreeSHAP per reading is the costly part). */
export const MAX_EXPLAIN = 100;

/** Log entries read per query when rebuilding: memory stays bounded whatever the log's length. */
const REBUILD_PAGE = 10_000;

export class ContractService {
  fleet: FleetHistory;
  private eventIds = new Map<string, LoggedEvent>();
  readonly counter: boolean;
  /** The last log seq applied (cluster mode catches up from here). */
  applied = 0;
  /**
   * How far past the wall clock and the fleet's newest a reading may be (the server sets
   * MAX_AHEAD_MS); null: no bound, for tests that post a simulated clock days at a jump.
   */
  maxAheadMs: number | null = null;
  /** Each known machine's attribute values (contract order; category codes), or null; a swap replaces it. */
  attributes: Map<string, Float64Array> | null;
  /** The machine table those codes come from (the version's, plus machines added since), or null. */
  machines: MachineTable | null;
  /** PUTs of machines on one server, one at a time (a cluster's are in lock step). */
  private machineQueue: Promise<unknown> = Promise.resolve();
  private readonly lockstep: LockStep | null;
  readonly observers: HistoryObserver[] = [];
  /** Appends started, and those not yet durable: a swap waits until the log holds every one. */
  private started = 0;
  private pending = 0;
  /**
   * Told of each request's readings once they are logged, with their feature rows (shadow mode:
   * serve/contract/shadow.ts queues them and returns at once). Not an observer: a replay, a catch-up
   * or a failed append scores nothing in shadow.
   */
  onScored: ((rows: readonly LoggedReading[], X: FeatureMatrix) => void) | null = null;

  private constructor(
    public model: HistoryModel,
    versionDir: string,
    private readonly log: HistoryLog,
  ) {
    this.machines = MachineTable.load(model, versionDir);
    this.attributes = this.machines?.codes ?? null;
    this.fleet = new FleetHistory(model, this.attributes);
    this.counter = model.contract.time?.counter !== false;
    this.lockstep = log.shared ? new LockStep(log, this) : null;
  }

  /** A service whose history is the log's, replayed (the log is initialised first). */
  static async open(
    model: HistoryModel,
    versionDir: string,
    log: HistoryLog,
    observers: HistoryObserver[] = [],
  ): Promise<ContractService> {
    await log.init();
    const s = new ContractService(model, versionDir, log);
    // Before the rebuild, so they see the history the log replays too.
    s.observers.push(...observers);
    await s.rebuild();
    return s;
  }

  /**
   * Serves another version of the same contract in place: its fleet history is the log replayed
   * under the new model (the log is per contract, so nothing is lost), built beside the live one
   * and swapped in one step once it holds every entry the live one has, so no request is dropped
   * and none is left out of the new history. `staging` observers see that replay (the monitor's
   * next state); `commit` runs in the same step as the swap (the monitor adopts it).
   */
  async swap(
    model: HistoryModel,
    versionDir: string,
    staging: HistoryObserver[] = [],
    commit: () => void = () => {},
  ): Promise<void> {
    if (model.contract.name !== this.model.contract.name)
      throw new MillwrightError(
        "MW_CONFLICT",
        `model ${model.version} is for contract '${model.contract.name}'; this server serves '${this.model.contract.name}'`,
        { version: model.version },
      );
    const next = new ContractService(model, versionDir, this.log);
    next.observers.push(...staging);
    for (;;) {
      const idle = this.pending === 0;
      const mark = this.started;
      const page = await this.log.entriesAfter(next.applied, REBUILD_PAGE);
      for (const e of page) next.apply(e);
      if (page.length === 0 && idle && mark === this.started) break;
      if (page.length === 0) await new Promise((r) => setTimeout(r, 2));
    }
    // From here on nothing awaits: one step, between two requests.
    this.model = model;
    this.machines = next.machines;
    this.attributes = next.attributes;
    this.fleet = next.fleet;
    this.eventIds = next.eventIds;
    this.applied = next.applied;
    commit();
  }

  /** Replays the log from the start: the same pushes in the same order give the same state, bit for bit. */
  async rebuild(): Promise<void> {
    // Machines added are in the log too: the table starts again from the version's.
    this.machines = this.machines?.fresh() ?? null;
    this.attributes = this.machines?.codes ?? null;
    this.fleet = new FleetHistory(this.model, this.attributes);
    this.eventIds = new Map();
    this.applied = 0;
    for (const o of this.observers) o.reset?.();
    for (;;) {
      const page = await this.log.entriesAfter(this.applied, REBUILD_PAGE);
      for (const e of page) this.apply(e);
      if (page.length < REBUILD_PAGE) return;
    }
  }

  /** Applies one logged entry as it was applied when it was logged. */
  apply(e: SeqEntry): void {
    if (e.type === "label") {
      for (const o of this.observers) o.label?.(e.label.id, e.label.label);
    } else if (e.type === "machine") {
      this.machines?.apply(e.machine);
    } else if (e.type === "event") {
      this.eventIds.set(e.event.id, e.event);
      this.fleet.addEvent(e.event.table, e.event.machine, e.event.time, e.event.kind);
      for (const o of this.observers) o.event(e.event.table, e.event.machine, e.event.time, e.event);
    } else {
      const r = e.reading;
      const cols: ReadingColumns = {
        n: 1,
        machine: [r.machine],
        time: Float64Array.of(r.time),
        values: r.values.map((v) => Float64Array.of(v ?? Number.NaN)),
      };
      const x = this.fleet.push(cols).data;
      const detail = { id: r.id, predictedAt: r.predictedAt, heads: r.heads, x };
      for (const o of this.observers) o.reading(r.machine, r.time, r.failureProbability, r.values, detail);
    }
    this.applied = e.seq;
  }

  async predict(items: readonly unknown[], single: boolean, explain = false): Promise<ContractAnswer[]> {
    if (explain && items.length > MAX_EXPLAIN)
      throw new MillwrightError(
        "MW_BATCH_TOO_LARGE",
        `explanations for ${items.length} readings: at most ${MAX_EXPLAIN} per request (send the rest without ?explain=true)`,
      );
    const cols = toColumns(this.model.contract, items, single);
    if (!this.lockstep) {
      const { answers, logged, X } = this.score(cols, items, single, explain);
      await this.durably(() => this.log.appendReadings(logged));
      this.onScored?.(logged, X);
      return answers;
    }
    let done: { logged: LoggedReading[]; X: FeatureMatrix } | null = null;
    const answers = await this.lockstep.run(() => {
      const { answers, logged, X } = this.score(cols, items, single, explain);
      done = { logged, X };
      return { append: logged.map((reading) => ({ type: "reading" as const, reading })), result: answers };
    });
    const d = done as { logged: LoggedReading[]; X: FeatureMatrix } | null;
    if (d) this.onScored?.(d.logged, d.X);
    return answers;
  }

  /** Checks (time order per machine), pushes and scores; throws before any state changes. */
  private score(
    cols: ReadingColumns,
    items: readonly unknown[],
    single: boolean,
    explain: boolean,
  ): { answers: ContractAnswer[]; logged: LoggedReading[]; X: FeatureMatrix } {
    const m = this.model;
    const ahead = this.maxAheadMs;
    this.fleet.check(
      cols,
      single,
      ahead === null ? Number.POSITIVE_INFINITY : this.fleet.notAfter(Date.now(), ahead),
    );
    const s = this.fleet.score(cols);
    const failure = s.heads.machine_failure as Float64Array;
    const kinds = m.headNames.filter((h) => h !== "machine_failure");
    const now = Date.now();
    // One object for every answer of the request: JSON writes it out the same each time.
    const model = { name: m.name, version: m.version };
    const answers: ContractAnswer[] = [];
    const logged: LoggedReading[] = [];
    const ids = uuidv7Many(cols.n, now);
    for (let i = 0; i < cols.n; i++) {
      const heads: Record<string, number | null> = {};
      let best: string | null = null;
      for (const k of kinds) {
        const p = s.heads[k];
        heads[k] = p ? p[i] : null;
        if (p && (best === null || p[i] > (heads[best] as number))) best = k;
      }
      const id = ids[i];
      const raw = (items[i] as Record<string, unknown>).timestamp;
      const answer: ContractAnswer = {
        id,
        machine_id: cols.machine[i],
        timestamp: typeof raw === "string" || typeof raw === "number" ? raw : i,
        failure_probability: failure[i],
        failure_predicted: failure[i] >= m.threshold.value,
        heads,
        likeliest_kind: best,
        model,
      };
      // Set after, not spread in (`...(explain ? {…} : {})` built a throwaway object per answer):
      // the same keys in the same order.
      if (explain)
        answer.explanation = explainReading(
          m,
          this.fleet.plan,
          s.X.data.subarray(i * s.X.nCols, (i + 1) * s.X.nCols),
        );
      answers.push(answer);
      const values = new Array<number | null>(cols.values.length);
      for (let j = 0; j < values.length; j++) {
        const v = cols.values[j][i];
        values[j] = Number.isNaN(v) ? null : v;
      }
      logged.push({
        id,
        machine: cols.machine[i],
        time: cols.time[i],
        values,
        modelVersion: m.version,
        predictedAt: now,
        failureProbability: failure[i],
        heads,
      });
    }
    logged.forEach((r, i) => {
      const x = s.X.data.subarray(i * s.X.nCols, (i + 1) * s.X.nCols);
      const detail = { id: r.id, predictedAt: r.predictedAt, heads: r.heads, x };
      for (const o of this.observers) o.reading(r.machine, r.time, r.failureProbability, r.values, detail);
    });
    return { answers, logged, X: s.X };
  }

  /** Applies new events at once (so readings scored after this call see them) and logs them. */
  async events(items: EventIn[]): Promise<EventOutcome[]> {
    const ahead = this.maxAheadMs;
    const notAfter = ahead === null ? Number.POSITIVE_INFINITY : this.fleet.notAfter(Date.now(), ahead);
    const parsed = parseEvents(this.fleet, this.counter, items, notAfter);
    if (!this.lockstep) {
      const { out, fresh } = this.applyEvents(parsed);
      if (fresh.length > 0) await this.durably(() => this.log.appendEvents(fresh));
      return out;
    }
    // In lock step the ids known include every replica's, so a duplicate is one across the cluster.
    return this.lockstep.run(() => {
      const { out, fresh } = this.applyEvents(parsed);
      return { append: fresh.map((event) => ({ type: "event" as const, event })), result: out };
    });
  }

  /**
   * Adds a machine to the machine table, or changes its attributes (PUT /v1/machines/{id}): logged
   * before the answer, then known to every reading and event (and, in a cluster, to every replica
   * once it follows the log). The same attributes again log nothing.
   */
  async putMachine(id: string, given: Readonly<Record<string, unknown>>): Promise<MachineAnswer> {
    if (!this.machines)
      throw new MillwrightError(
        "MW_CONFLICT",
        `contract '${this.model.contract.name}' has no machine table (attributes): every machine id is taken as it comes`,
      );
    if (this.lockstep)
      return this.lockstep.run(() => {
        const { answer, entry } = (this.machines as MachineTable).judge(id, given);
        if (entry) this.machines?.apply(entry);
        return { append: entry ? [{ type: "machine" as const, machine: entry }] : [], result: answer };
      });
    // Logged first, applied once durable: no reading is taken for a machine the log does not hold.
    const put = this.machineQueue.then(async () => {
      const { answer, entry } = (this.machines as MachineTable).judge(id, given);
      if (entry) {
        await this.durably(() => this.log.appendMachines([entry]));
        this.machines?.apply(entry);
      }
      return answer;
    });
    this.machineQueue = put.catch(() => {});
    return put;
  }

  /** Refuses feedback for a contract whose ground truth is its failure events (they come by POST /v1/events). */
  takesFeedback(): void {
    const c = this.model.contract;
    if (c.failures)
      throw new MillwrightError(
        "MW_EVENT_LABELLED",
        `contract '${c.name}' learns its ground truth from failure events: send them to POST /v1/events (table 'failures'); /v1/feedback is for contracts whose rows carry their label`,
      );
  }

  /**
   * Ground truth for earlier answers (a row-labelled contract), by their ids: judged and logged by
   * the log (labels.ts), then told to the observers (the monitor joins them to its readings). One
   * server: at once. A cluster: taken in from the log, with whatever the other replicas logged
   * before it, so every replica applies labels in the log's order; done before the caller answers.
   */
  async labels(items: LabelIn[]): Promise<LabelOutcome[]> {
    this.takesFeedback();
    let outcomes: LabelOutcome[] = [];
    await this.durably(async () => {
      outcomes = await this.log.appendLabels(items);
    });
    if (this.lockstep) await this.follow();
    else
      items.forEach((l, i) => {
        if (outcomes[i] === "accepted") for (const o of this.observers) o.label?.(l.id, l.label);
      });
    return outcomes;
  }

  /**
   * Cluster mode: takes in what the other replicas logged since this one last wrote. Requests do
   * that anyway before they are scored; this is for the reads (the board, a machine's page, the
   * monitor), which otherwise showed a replica's history as of its own last write, however old
   * (the server calls it every MILLWRIGHT_HISTORY_FOLLOW_MS). A single server: nothing to do.
   */
  /** Why the history log refuses appends now, or null: its own state, no query (readiness). */
  writeProblem(): WriteProblem | null {
    return this.log.writeProblem();
  }

  async follow(): Promise<void> {
    if (this.lockstep) await this.lockstep.run(() => ({ append: [], result: null }));
  }

  /** An append the fleet already holds: counted until durable, so a swap waits for it (see swap). */
  private async durably(append: () => Promise<unknown>): Promise<void> {
    this.started++;
    this.pending++;
    try {
      await append();
    } finally {
      this.pending--;
    }
  }

  private applyEvents(parsed: LoggedEvent[]): { out: EventOutcome[]; fresh: LoggedEvent[] } {
    const out: EventOutcome[] = [];
    const fresh: LoggedEvent[] = [];
    for (const e of parsed) {
      const o = outcomeOf(this.eventIds.get(e.id), e);
      out.push(o);
      if (o !== "accepted") continue;
      this.eventIds.set(e.id, e);
      this.fleet.addEvent(e.table, e.machine, e.time, e.kind);
      for (const o of this.observers) o.event(e.table, e.machine, e.time, e);
      fresh.push(e);
    }
    return { out, fresh };
  }
}
