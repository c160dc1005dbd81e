// The fleet's history as the contract server holds it: the model version served, the fleet's
// history in memory, the events and machines known, and who else sees every entry applied, all
// the log replayed in seq order. Swapping to another version replays the log under it beside the
// live history and takes it in one step, once no append the live one holds is still in flight
// (the pending-append accounting below). A failed append repairs it the same way (see `repair`).
// The requests that add to it are contract-service.ts's.
import { MillwrightError } from "../../core/errors.js";
import { ValueAligner } from "../../pipeline/align-values.js";
import type { ReadingColumns } from "../../pipeline/readings.js";
import { siblingReadings } from "../../registry/version-readings.js";
import { FleetHistory } from "../../pipeline/scorer.js";
import type { HistoryLog, LoggedEvent, SeqEntry } from "../../store/history/types.js";

/** What a history is rebuilt from: a log it serves with, or one opened only to read it. */
export type HistorySource = Pick<HistoryLog, "entriesAfter">;
import type { HistoryModel } from "../../train/history-model.js";
import { type EventOutcome, outcomeOf } from "./events.js";
import { type HistoryObserver, tellEvent, tellReading } from "../../monitor/live/history-observer.js";
import { MachineTable } from "./machine-table.js";

/** Log entries read per query when rebuilding: memory stays bounded whatever the log's length. */
const REBUILD_PAGE = 10_000;

export class ContractHistory {
  fleet: FleetHistory;
  protected eventIds = new Map<string, LoggedEvent>();
  /** The last log seq applied (cluster mode catches up from here). */
  applied = 0;
  /** The machine table (the version's, plus machines added since), or null; a swap replaces it. */
  machines: MachineTable | null;
  readonly observers: HistoryObserver[] = [];
  /** Appends started, and those not yet durable: a swap waits until the log holds every one. */
  private started = 0;
  private pending = 0;
  /** An append failed after its readings or events were applied: memory is ahead of the log. */
  private stale = false;
  private repairing: Promise<void> | null = null;
  /** A logged reading's values by name in this model's contract (the version that logged it may order them otherwise). */
  private aligner: ValueAligner;

  protected constructor(
    public model: HistoryModel,
    protected versionDir: string,
    protected readonly log: HistorySource,
  ) {
    this.machines = MachineTable.load(model, versionDir);
    this.fleet = new FleetHistory(model, this.attributes);
    this.aligner = new ValueAligner(model.contract.readings, siblingReadings(versionDir));
  }

  /** Each known machine's attribute values (contract order; category codes), or null: the table's. */
  get attributes(): Map<string, Float64Array> | null {
    return this.machines?.codes ?? null;
  }

  /**
   * The history `log` holds, replayed under `model` with `observers` told of every entry: what a
   * server holds after its start, for a command that reads a log without serving (monitor --once).
   */
  static async replay(
    model: HistoryModel,
    versionDir: string,
    log: HistorySource,
    observers: HistoryObserver[],
  ): Promise<ContractHistory> {
    const h = new ContractHistory(model, versionDir, log);
    h.observers.push(...observers);
    await h.rebuild();
    return h;
  }

  /**
   * Serves another version of the same contract in place: its fleet history is the log replayed
   * under the new model (the log is per contract, so nothing is lost), built beside the live one
   * and swapped in one step once it holds every entry the live one has, so no request is dropped
   * and none is left out of the new history. Each observer that can (the monitor, the board) is
   * restaged: a copy of it sees that replay and is adopted in the same step.
   */
  async swap(model: HistoryModel, versionDir: string): Promise<void> {
    if (model.contract.name !== this.model.contract.name)
      throw new MillwrightError(
        "MW_CONFLICT",
        `model ${model.version} is for contract '${model.contract.name}'; this server serves '${this.model.contract.name}'`,
        { version: model.version },
      );
    const take = await this.replayed(model, versionDir);
    // From here on nothing awaits: one step, between two requests.
    take();
  }

  /**
   * The log replayed under `model` beside the live history, with the observers that can restaged,
   * until no append is in flight and it holds every one; then what takes it, and them, in one step.
   */
  private async replayed(model: HistoryModel, versionDir: string): Promise<() => void> {
    const staged = this.observers.flatMap((o) => (o.restage ? [o.restage(model, versionDir)] : []));
    const next = new ContractHistory(model, versionDir, this.log);
    next.observers.push(...staged.map((x) => x.observer));
    for (;;) {
      const idle = this.pending === 0;
      const mark = this.started;
      const page = await this.log.entriesAfter(next.applied, REBUILD_PAGE);
      for (const e of page) next.apply(e);
      if (page.length === 0 && idle && mark === this.started) break;
      if (page.length === 0) await new Promise((r) => setTimeout(r, 2));
    }
    return () => {
      this.take(next);
      for (const x of staged) x.adopt();
    };
  }

  private take(next: ContractHistory): void {
    this.model = next.model;
    this.versionDir = next.versionDir;
    this.machines = next.machines;
    this.fleet = next.fleet;
    this.eventIds = next.eventIds;
    this.applied = next.applied;
    this.aligner = next.aligner;
  }

  /**
   * What to wait for before the history in memory is the log's, or null when it is (one server):
   * after a failed append it held
   * readings or events the log never got, so their machines' next reading at the same time would
   * be refused as out of order and scored with features a restart would not give. The fleet is
   * then replayed from the log beside the live one (as a swap), with every append still in flight
   * settled first (group commit: other requests' readings, which stay), and taken in one step;
   * requests wait for it, and look again (another append may have failed meanwhile). The observers
   * that can are restaged with it (they were told of the readings while the append was in flight).
   */
  protected uptodate(): Promise<void> | null {
    if (!this.stale) return null;
    this.repairing ??= this.repair().finally(() => {
      this.repairing = null;
    });
    return this.repairing;
  }

  private async repair(): Promise<void> {
    const model = this.model;
    this.stale = false;
    // The observers were told of the readings when they were scored (contract-service.ts): their
    // copies are filled again from the log too, so they forget what the failed append held.
    let take: () => void;
    try {
      take = await this.replayed(model, this.versionDir);
    } catch (e) {
      this.stale = true;
      throw new MillwrightError(
        "MW_STORE_UNAVAILABLE",
        `history log: cannot replay it after a failed append (${(e as Error).message})`,
      );
    }
    // A swap meanwhile replayed the log itself (and restaged the observers), after the failed append had settled.
    if (this.model !== model) return;
    take();
  }

  /**
   * Versions that logged readings this history could not read by name (not in the registry, and
   * with another number of readings than this contract): their values were taken as missing.
   */
  unplacedVersions(): string[] {
    return [...this.aligner.unknown];
  }

  /** Replays the log from the start: the same pushes in the same order give the same state, bit for bit. */
  async rebuild(): Promise<void> {
    // Machines added are in the log too: the table starts again from the version's.
    this.machines = this.machines?.fresh() ?? null;
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
      tellEvent(this.observers, e.event);
    } else {
      const r = this.aligner.reading(e.reading);
      const cols: ReadingColumns = {
        n: 1,
        machine: [r.machine],
        time: Float64Array.of(r.time),
        values: r.values.map((v) => Float64Array.of(v ?? Number.NaN)),
      };
      tellReading(this.observers, r, this.fleet.push(cols).data);
    }
    this.applied = e.seq;
  }

  /** The event logged under `id`, if any (a conflict's answer says what it was). */
  loggedEvent(id: string): LoggedEvent | undefined {
    return this.eventIds.get(id);
  }

  /**
   * New events applied (their ids not yet known), with each one's outcome; those to log in `fresh`.
   * `observers`: who is told now (one server tells its own once the append is durable).
   */
  protected applyEvents(
    parsed: LoggedEvent[],
    observers: readonly HistoryObserver[] = this.observers,
  ): { out: EventOutcome[]; fresh: LoggedEvent[] } {
    const out: EventOutcome[] = [];
    const fresh: LoggedEvent[] = [];
    for (const e of parsed) {
      const o = outcomeOf(this.eventIds.get(e.id), e);
      out.push(o);
      if (o !== "accepted") continue;
      this.eventIds.set(e.id, e);
      this.fleet.addEvent(e.table, e.machine, e.time, e.kind);
      tellEvent(observers, e);
      fresh.push(e);
    }
    return { out, fresh };
  }

  /**
   * An append the fleet already holds: counted until durable, so a swap waits for it (see swap).
   * `then` runs once it is durable, still counted, so a swap never takes its state in between
   * (the observers told). `applied`: the fleet already holds the entries, so a failure leaves it
   * ahead of the log until `uptodate` replays it.
   */
  protected async durably(append: () => Promise<unknown>, then?: () => void, applied = false): Promise<void> {
    this.started++;
    this.pending++;
    try {
      await append();
      then?.();
    } catch (e) {
      if (applied) {
        this.stale = true;
        // At once, not at the next write: the board and monitor were told of what failed.
        this.uptodate()?.catch(() => {});
      }
      throw e;
    } finally {
      this.pending--;
    }
  }
}
