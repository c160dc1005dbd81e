// The fleet's history as the contract server holds it: the model version served, the fleet's
// history in memory, the events and machines known, and who else sees every entry applied, all
// the log replayed in seq order. Swapping to another version replays the log under it beside the
// live history and takes it in one step, once no append the live one holds is still in flight
// (the pending-append accounting below). The requests that add to it are contract-service.ts's.
import { MillwrightError } from "../../core/errors.js";
import type { ReadingColumns } from "../../pipeline/readings.js";
import { FleetHistory } from "../../pipeline/scorer.js";
import type { HistoryLog, LoggedEvent, SeqEntry } from "../../store/history/types.js";
import type { HistoryModel } from "../../train/history-model.js";
import { type EventOutcome, outcomeOf } from "./events.js";
import { type HistoryObserver, tellReading } from "./history-observer.js";
import { MachineTable } from "./machine-table.js";

/** Log entries read per query when rebuilding: memory stays bounded whatever the log's length. */
const REBUILD_PAGE = 10_000;

export class ContractHistory {
  fleet: FleetHistory;
  protected eventIds = new Map<string, LoggedEvent>();
  /** The last log seq applied (cluster mode catches up from here). */
  applied = 0;
  /** Each known machine's attribute values (contract order; category codes), or null; a swap replaces it. */
  attributes: Map<string, Float64Array> | null;
  /** The machine table those codes come from (the version's, plus machines added since), or null. */
  machines: MachineTable | null;
  readonly observers: HistoryObserver[] = [];
  /** Appends started, and those not yet durable: a swap waits until the log holds every one. */
  private started = 0;
  private pending = 0;

  protected constructor(
    public model: HistoryModel,
    versionDir: string,
    protected readonly log: HistoryLog,
  ) {
    this.machines = MachineTable.load(model, versionDir);
    this.attributes = this.machines?.codes ?? null;
    this.fleet = new FleetHistory(model, this.attributes);
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
    const next = new ContractHistory(model, versionDir, this.log);
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
      tellReading(this.observers, r, this.fleet.push(cols).data);
    }
    this.applied = e.seq;
  }

  /** New events applied (their ids not yet known), with each one's outcome; those to log in `fresh`. */
  protected applyEvents(parsed: LoggedEvent[]): { out: EventOutcome[]; fresh: LoggedEvent[] } {
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

  /** An append the fleet already holds: counted until durable, so a swap waits for it (see swap). */
  protected async durably(append: () => Promise<unknown>): Promise<void> {
    this.started++;
    this.pending++;
    try {
      await append();
    } finally {
      this.pending--;
    }
  }
}
