// A data-contract model served: readings in, answers out, every reading and event in the history
// log, and the fleet's history rebuilt from that log on start. The one pipeline for contract
// models: validate (pipeline/readings) → features and predict (pipeline/scorer) → answer → log.
// One server (SQLite): score, then log (group commit), with no query before a request. A cluster
// (a shared log, PostgreSQL): the same steps in lock step with the log (lockstep.ts says why).
// The history itself (the model, its replay, a swap) is contract-history.ts's; the scoring of a
// request's readings is score-batch.ts's; this file is the requests that add to the history.
import { MillwrightError } from "../../core/errors.js";
import { DEFAULT_MAX_EXPLAIN } from "../../core/limits.js";
import type { FeatureMatrix } from "../../features/build.js";
import { type ReadingColumns, toColumns } from "../../pipeline/readings.js";
import { readingsOf } from "../../store/history/packed-columns.js";
import type { HistoryLog, LabelIn, LabelOutcome, ReadingGroup } from "../../store/history/types.js";
import type { WriteProblem } from "../../store/write-problem.js";
import type { ExplainBudget } from "../explain-budget.js";
import type { HistoryModel } from "../../train/history-model.js";
import { ContractHistory } from "./contract-history.js";
import { type EventIn, type EventOutcome, parseEvents } from "./events.js";
import { type HistoryObserver, tellEvent, tellGroup } from "../../monitor/live/history-observer.js";
import { LockStep } from "./lockstep.js";
import type { MachineAnswer, MachineTable } from "./machine-table.js";
import { rowOf, type ScoredBatch, scoreBatch } from "./score-batch.js";

export type { EventIn } from "./events.js";
export type { HistoryObserver } from "../../monitor/live/history-observer.js";
export type { ScoredBatch } from "./score-batch.js";

/** Who scoreBatch tells on one server: nobody while scoring (predict tells them while the log commits). */
const NO_OBSERVERS: readonly HistoryObserver[] = [];

/** A single reading waiting for its turn's group (ContractService.together). */
interface Waiting {
  /** The reading as sent (an object body): parsed when its turn is scored, by the contract served then. */
  reading: unknown;
  answered?: (batch: ScoredBatch) => void;
  resolve: (batch: ScoredBatch) => void;
  reject: (e: unknown) => void;
}

export class ContractService extends ContractHistory {
  readonly counter: boolean;
  /**
   * How far past the wall clock and the fleet's newest a reading may be (the server sets
   * MAX_AHEAD_MS); null: no bound, for tests that post a simulated clock days at a jump.
   */
  maxAheadMs: number | null = null;
  /**
   * Explained readings per second for all clients (the server sets MILLWRIGHT_EXPLAIN_PER_SECOND):
   * TreeSHAP runs on the event loop, so the total rate decides whether liveness still answers.
   */
  explainBudget: ExplainBudget | null = null;
  /** PUTs of machines on one server, one at a time (a cluster's are in lock step). */
  private machineQueue: Promise<unknown> = Promise.resolve();
  private readonly lockstep: LockStep | null;
  /** The log it appends to (the history reads it back through the same object). */
  declare protected readonly log: HistoryLog;
  /**
   * Told of each request's readings once they are logged, with their feature rows (shadow mode:
   * serve/contract/shadow.ts queues them and returns at once). Not an observer: a replay, a catch-up
   * or a failed append scores nothing in shadow.
   */
  onScored: ((group: ReadingGroup, X: FeatureMatrix) => void) | null = null;
  /** When a request's readings were last logged (wall clock, ms); null before the first. */
  lastReadingAt: number | null = null;

  private constructor(model: HistoryModel, versionDir: string, log: HistoryLog) {
    super(model, versionDir, log);
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
   * Scores a request's readings (parsed objects, checked here, or columns the byte scanner read with
   * the same rules) and logs them; resolves once they are durable. `answered` is called with the
   * scored batch while the log commits (the caller writes its answer then), before this resolves.
   */
  async predict(
    readings: readonly unknown[] | ReadingColumns,
    single: boolean,
    explain = false,
    answered?: (batch: ScoredBatch) => void,
  ): Promise<ScoredBatch> {
    const n = Array.isArray(readings) ? readings.length : (readings as ReadingColumns).n;
    // TreeSHAP per reading is the costly part.
    if (explain && n > DEFAULT_MAX_EXPLAIN)
      throw new MillwrightError(
        "MW_BATCH_TOO_LARGE",
        `explanations for ${n} readings: at most ${DEFAULT_MAX_EXPLAIN} per request (send the rest without ?explain=true)`,
      );
    // One server: a single reading is scored with the others that arrived in the same turn of the
    // event loop (at 64 connections a turn reads ~25 of them), as one group: one scoring, one
    // telling of the observers, one slot in the log's commit, where each cost a request before.
    // Not on a contract without a time: there a reading's time is its place in the body.
    if (single && !explain && !this.lockstep && this.model.contract.time)
      return this.together((readings as readonly unknown[])[0], answered);
    const cols = Array.isArray(readings)
      ? toColumns(this.model.contract, readings, single)
      : (readings as ReadingColumns);
    // Taken once the readings are known good: a refused request costs no one's budget.
    if (explain) this.explainBudget?.take(cols.n);
    if (this.lockstep) {
      const scored = await this.lockstep.run(() => {
        const s = scoreBatch(this, this.notAfter(), cols, single, explain);
        // The lock-step step appends entries (objects): the cluster path keeps them for now.
        const append = readingsOf(s.group).map((reading) => ({ type: "reading" as const, reading }));
        return { append, result: s };
      });
      answered?.(scored.batch);
      this.lastReadingAt = Date.now();
      this.onScored?.(scored.group, scored.X);
      return scored.batch;
    }
    return this.alone(cols, single, explain, answered);
  }

  /** Scores one request's readings and logs them: a batch, or a single reading scored by itself. */
  private async alone(
    cols: ReadingColumns,
    single: boolean,
    explain: boolean,
    answered?: (batch: ScoredBatch) => void,
  ): Promise<ScoredBatch> {
    // Looked at again after each wait: the last look and the scoring are one step.
    for (let wait = this.notWritable(); wait; wait = this.notWritable()) await wait;
    const state = { model: this.model, fleet: this.fleet, observers: NO_OBSERVERS };
    const scored = scoreBatch(state, this.notAfter(), cols, single, explain);
    await this.logged(scored, () => answered?.(scored.batch));
    return scored.batch;
  }

  /** The single readings of this turn of the event loop, waiting to be scored together (predict). */
  private turn: Waiting[] = [];

  private together(reading: unknown, answered?: (batch: ScoredBatch) => void): Promise<ScoredBatch> {
    return new Promise((resolve, reject) => {
      // After the turn's I/O callbacks: every request whose bytes came in this turn is in by then.
      if (this.turn.length === 0) setImmediate(() => void this.scoreTurn());
      this.turn.push({ reading, answered, resolve, reject });
    });
  }

  /**
   * Scores the turn's single readings as one group, in arrival order, parsed and checked as one
   * batch; each is answered as its own (rowOf). If the group is refused (a bad field, a reading out
   * of order, a log that takes nothing), each is taken alone, in the same order, as an object body:
   * nothing changed before the refusal, so each gets the answer or error (worded for one reading)
   * it would have had by itself.
   */
  private async scoreTurn(): Promise<void> {
    const turn = this.turn;
    this.turn = [];
    const byItself = (w: Waiting) => {
      try {
        const cols = toColumns(this.model.contract, [w.reading], true);
        this.alone(cols, true, false, w.answered).then(w.resolve, w.reject);
      } catch (e) {
        w.reject(e);
      }
    };
    if (turn.length === 1) return byItself(turn[0]);
    let scored: ReturnType<typeof scoreBatch>;
    try {
      for (let wait = this.notWritable(); wait; wait = this.notWritable()) await wait;
      const cols = toColumns(
        this.model.contract,
        turn.map((w) => w.reading),
        false,
      );
      const state = { model: this.model, fleet: this.fleet, observers: NO_OBSERVERS };
      scored = scoreBatch(state, this.notAfter(), cols, false, false);
    } catch {
      for (const w of turn) byItself(w);
      return;
    }
    try {
      const rows = turn.map((_, i) => rowOf(scored.batch, i));
      await this.logged(scored, () => {
        turn.forEach((w, i) => {
          try {
            w.answered?.(rows[i]);
          } catch (e) {
            w.reject(e); // its own answer only (a later resolve is a no-op)
          }
        });
      });
      for (let i = 0; i < turn.length; i++) turn[i].resolve(rows[i]);
    } catch (e) {
      for (const w of turn) w.reject(e); // the log did not take them (a settled one stays settled)
    }
  }

  /**
   * Logs scored readings (group commit) and, while the log commits, tells the observers (board,
   * monitor) and writes the answers (`answer`): at one connection they were a tenth of a batch's
   * time after the commit. Resolves once durable. A failed append replays the fleet and restages
   * the observers from the log (uptodate), so neither keeps what the log did not take.
   */
  private async logged(scored: ReturnType<typeof scoreBatch>, answer: () => void): Promise<void> {
    const { group, X } = scored;
    const durable = this.durably(() => this.log.appendReadingColumns(group), undefined, true);
    try {
      tellGroup(this.observers, group, X);
      answer();
    } finally {
      await durable;
    }
    this.lastReadingAt = Date.now();
    this.onScored?.(group, X);
  }

  /** The latest time a reading or event may have now (maxAheadMs past the wall clock and the fleet). */
  private notAfter(): number {
    const ahead = this.maxAheadMs;
    return ahead === null ? Number.POSITIVE_INFINITY : this.fleet.notAfter(Date.now(), ahead);
  }

  /** Applies new events at once (so readings scored after this call see them) and logs them. */
  async events(items: EventIn[]): Promise<EventOutcome[]> {
    if (!this.lockstep) {
      for (let wait = this.notWritable(); wait; wait = this.notWritable()) await wait;
      const parsed = parseEvents(this.fleet, this.counter, items, this.notAfter());
      const { out, fresh } = this.applyEvents(parsed, NO_OBSERVERS);
      if (fresh.length > 0)
        await this.durably(
          () => this.log.appendEvents(fresh),
          () => {
            for (const e of fresh) tellEvent(this.observers, e);
          },
          true,
        );
      return out;
    }
    const parsed = parseEvents(this.fleet, this.counter, items, this.notAfter());
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
   * One server, before a request changes the fleet: throws while the log is known not to take
   * appends (nothing scored, nothing to undo); else what to wait for until the fleet is the log's
   * again (uptodate), or null: score now.
   */
  private notWritable(): Promise<void> | null {
    const p = this.log.writeProblem(false); // the commit's own check catches what this misses
    if (p) throw new MillwrightError(p.code, p.reason);
    return this.uptodate();
  }

  /** Why the history log refuses appends now, or null: its own state, no query (readiness). */
  writeProblem(): WriteProblem | null {
    return this.log.writeProblem();
  }

  /**
   * Cluster mode: takes in what the other replicas logged since this one last wrote. Requests do
   * that anyway before they are scored; this is for the reads (the board, a machine's page, the
   * monitor), which otherwise showed a replica's history as of its own last write, however old
   * (the server calls it every MILLWRIGHT_HISTORY_FOLLOW_MS). A single server: nothing to do.
   */
  async follow(): Promise<void> {
    if (this.lockstep) await this.lockstep.run(() => ({ append: [], result: null }));
  }
}
