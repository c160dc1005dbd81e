// The fleet's history in the server: one MachineHistory per machine (the class training and
// `millwright predict` use), fed readings and events, scoring each reading with the model. Pure:
// the log that makes it durable and rebuilds it on restart lives at the edge (serve/contract/).
// A batch is checked whole before any machine's state changes, so a bad reading in the middle
// leaves no half-applied history.
import { fleetTime } from "../core/fleet-time.js";
import { zoneOffsetMinutes } from "../data/time-format.js";
import { MillwrightError } from "../core/errors.js";
import { MAX_AHEAD_MS } from "../core/limits.js";
import type { FeatureMatrix } from "../features/build.js";
import type { KnownEvent, RowState } from "../features/forecast-row.js";
import { MachineHistory } from "../features/history.js";
import { type FeaturePlan, featurePlan } from "../features/plan.js";
import { type HistoryModel, predictHistoryModel } from "../train/history-model.js";
import { zeroedRows } from "./row-slab.js";
import type { ReadingColumns } from "./readings.js";

/** Machines tracked without an attributes table to say which exist: a bound, so made-up ids cannot grow memory without end. */
export const MAX_MACHINES = 10_000;

export interface Scored {
  X: FeatureMatrix;
  heads: Record<string, Float64Array | null>;
}

/** Why a time past FleetHistory.notAfter is refused, for a reading's or an event's message. */
export function tooFarAhead(time: number): string {
  return `${new Date(time).toISOString()} is more than ${MAX_AHEAD_MS / 86_400_000} days ahead of both the server's clock and the fleet's newest reading (a machine whose clock runs ahead of the rest not counted; a controller clock gone wrong?)`;
}

export class FleetHistory {
  readonly plan: FeaturePlan;
  private readonly machines = new Map<string, MachineHistory>();
  private readonly tables: Map<string, number>;
  /** Each machine's newest feature row and the events after it: where a plan's forecast starts. */
  private readonly latest = new Map<string, RowState>();
  /**
   * Events of machines with no reading yet, for their first row's `later` (trial 7: a warm-up that
   * posted the events first lost a repair after the machine's last reading, and planned a swap of
   * the new part; the same history posted in time order did not).
   */
  private readonly beforeFirst = new Map<string, KnownEvent[]>();
  /** The newest reading's time across the fleet (-Infinity before the first). */
  private newestAny = Number.NEGATIVE_INFINITY;

  /** `attributes`: each known machine's attribute values (contract order), or null when the contract has none. */
  constructor(
    readonly model: HistoryModel,
    private readonly attributes: ReadonlyMap<string, Float64Array> | null,
  ) {
    this.plan = featurePlan(model.contract);
    this.tables = new Map(model.contract.events.map((e, i) => [e.name, i]));
  }

  /** Event tables a client may post to: the contract's, plus "failures" when the contract has them. */
  eventTables(): string[] {
    return [...this.tables.keys(), ...(this.model.contract.failures ? ["failures"] : [])];
  }

  knownMachines(): string[] {
    return this.attributes ? [...this.attributes.keys()] : [...this.machines.keys()];
  }

  lastTime(machine: string): number | null {
    const h = this.machines.get(machine);
    return h && h.newest !== Number.NEGATIVE_INFINITY ? h.newest : null;
  }

  private history(machine: string, create: boolean): MachineHistory | null {
    let h = this.machines.get(machine) ?? null;
    if (!h && create) {
      h = new MachineHistory(this.plan);
      this.machines.set(machine, h);
    }
    return h;
  }

  /**
   * The latest time a reading (or an event) may have at wall-clock `now`: `ahead` past the later of `now` and the
   * fleet's newest reading (core/limits.ts MAX_AHEAD_MS says why). None before the first reading
   * (nothing to judge a simulated clock by) or on a counter time (a cycle count is no clock).
   */
  notAfter(now: number, ahead: number): number {
    if (this.newestAny === Number.NEGATIVE_INFINITY || this.model.contract.time?.counter)
      return Number.POSITIVE_INFINITY;
    // Data at or behind the wall clock (a live shop): the clock is the bound, nothing to look at.
    if (this.newestAny <= now) return now + ahead;
    // Ahead of it (a replayed or simulated shop, or a controller clock running fast): the fleet's
    // time, which one fast clock does not move (core/fleet-time.ts), so a second wrong reading cannot
    // go another week past the first (trial 3).
    return Math.max(now, this.fleetTimeAt(now)) + ahead;
  }

  /**
   * The fleet's time, recomputed when the newest reading moved (at most every 50 ms) and at least
   * every second: a sort of every machine's newest reading, too dear for every request of a shop
   * replayed ahead of the wall clock (384 machines: bench/serve-history.ts). Between two
   * recomputations it can only lag, by what the data moved in that time: against a week, nothing.
   */
  private fleetTimeAt(now: number): number {
    const c = this.fleetClock;
    const moved = c.newestAny !== this.newestAny && now - c.at >= 50;
    if (moved || now - c.at >= 1000 || c.at > now) {
      const newest = [...this.machines].map(([id, h]) => [id, h.newest] as const);
      this.fleetClock = {
        at: now,
        newestAny: this.newestAny,
        time: fleetTime(newest)?.time ?? this.newestAny,
      };
    }
    return this.fleetClock.time;
  }
  private fleetClock = { at: Number.NEGATIVE_INFINITY, newestAny: Number.NEGATIVE_INFINITY, time: 0 };

  /**
   * Throws MW_VALIDATION for an unknown machine or a time after `notAfter`, or MW_CONFLICT for a
   * reading older than the machine's newest. Changes no machine's state; it may resolve a repeated
   * local hour in `cols.time`.
   */
  check(cols: ReadingColumns, single: boolean, notAfter = Number.POSITIVE_INFINITY): void {
    const at = (i: number) => (single ? "" : `readings[${i}].`);
    // A batch may hold several readings of one machine: each must be after the one before it
    // (the index of the machine's latest reading so far in this batch).
    const newest = cols.n > 1 ? new Map<string, number>() : null;
    // Readings a machine already has (a batch sent again): every machine of them is named at once,
    // with its newest time, so a bridge drops them all in one round trip (trial 6: one a 409).
    let resent: Map<string, { i: number; newest: number }> | null = null;
    let added = 0;
    for (let i = 0; i < cols.n; i++) {
      const m = cols.machine[i];
      if (this.attributes && !this.attributes.has(m))
        throw new MillwrightError(
          "MW_VALIDATION",
          `${at(i)}machine_id: '${m}' is not in the contract's machine table`,
          {
            field: `${at(i)}machine_id`,
          },
        );
      if (cols.time[i] > notAfter)
        throw new MillwrightError(
          "MW_VALIDATION",
          `${at(i)}timestamp: ${tooFarAhead(cols.time[i])}; taken, it would refuse every later reading of machine '${m}' as out of order`,
          { field: `${at(i)}timestamp` },
        );
      const prior = newest?.get(m);
      const before = prior !== undefined ? cols.time[prior] : this.lastTime(m);
      if (before === null && !this.machines.has(m) && prior === undefined) added++;
      // Local time repeats an hour when the clocks go back: as in a file (data/telemetry.ts), a
      // machine's readings come in time order, so a repeated wall-clock time that would go
      // backwards is the second pass through that hour (README, time.zone).
      const later = cols.later?.[i] ?? Number.NaN;
      if (before !== null && cols.time[i] <= before && later > before) cols.time[i] = later;
      if (before !== null && cols.time[i] <= before) {
        // Not a resend: the batch itself repeats or unsorts a machine's readings (trial: the old
        // words sent an integrator looking for a resend bug).
        if (prior !== undefined)
          throw new MillwrightError(
            "MW_CONFLICT",
            `${at(i)}timestamp: is not after readings[${prior}] of this batch, the same machine '${m}' at ${this.timeWords(before)}: a machine's readings in a batch must be in time order, each once; nothing of this batch was stored`,
            { field: `${at(i)}timestamp` },
          );
        resent ??= new Map();
        if (!resent.has(m)) resent.set(m, { i, newest: before });
        continue;
      }
      newest?.set(m, i);
    }
    if (resent) throw this.resentError(resent, at);
    if (!this.attributes && this.machines.size + added > MAX_MACHINES)
      throw new MillwrightError(
        "MW_CONFLICT",
        `more than ${MAX_MACHINES} machines: give the contract a machine table (attributes)`,
      );
  }

  /**
   * The 409 for readings their machines already have: the first named in words, and `newest`, each
   * such machine's newest time as `/v1/machines` answers it (ISO 8601, or the count), for a bridge
   * to drop what is at or before it and send the rest.
   */
  private resentError(
    resent: Map<string, { i: number; newest: number }>,
    at: (i: number) => string,
  ): MillwrightError {
    const [[m, first]] = resent;
    const more =
      resent.size > 1
        ? ` (and ${resent.size - 1} more machine${resent.size > 2 ? "s" : ""}: \`newest\` lists each)`
        : "";
    const counter = this.model.contract.time?.counter !== false;
    return new MillwrightError(
      "MW_CONFLICT",
      `${at(first.i)}timestamp: machine '${m}' already has a reading at or after this time (its newest: ${this.timeWords(first.newest)}${more}; readings of a machine come in time order, so a batch sent again is refused whole and changes nothing: drop each machine's readings at or before its newest and send the rest)`,
      {
        field: `${at(first.i)}timestamp`,
        newest: [...resent].slice(0, 1000).map(([machine_id, r]) => ({
          machine_id,
          newest: counter ? r.newest : new Date(r.newest).toISOString(),
        })),
      },
    );
  }

  /** A time as the client wrote it: ISO 8601, or the count on a counter time. */
  /** A time in a message: the count, or the instant, and on a zoned contract its wall-clock time there too. */
  private timeWords(t: number): string {
    const time = this.model.contract.time;
    if (time?.counter) return String(t);
    const iso = new Date(t).toISOString();
    if (!time?.zone) return iso;
    // A shop thinks in its own clock (trial 3: "01.12.2026 23:00" posted, "22:00:00.000Z" answered).
    this.localOffset ??= zoneOffsetMinutes(time.zone);
    const local = new Date(t + this.localOffset(t) * 60_000).toISOString().slice(0, 16).replace("T", " ");
    return `${iso} (${local} ${time.zone} time)`;
  }
  private localOffset: ((t: number) => number) | undefined;

  /** Pushes checked readings into their machines' histories and scores them (call check first). */
  score(cols: ReadingColumns): Scored {
    const X = this.push(cols);
    return { X, heads: predictHistoryModel(this.model, X) };
  }

  /** Pushes readings without scoring them: a replay of the log needs the state, not the answers again. */
  push(cols: ReadingColumns): FeatureMatrix {
    const nCols = this.plan.features.length;
    const data = zeroedRows(cols.n * nCols);
    const nr = this.plan.nReadings;
    for (let i = 0; i < cols.n; i++) {
      const o = i * nCols;
      for (let r = 0; r < nr; r++) data[o + r] = cols.values[r][i];
      const attrs = this.attributes?.get(cols.machine[i]);
      for (let a = 0; a < this.plan.nAttributes; a++) data[o + nr + a] = attrs ? attrs[a] : Number.NaN;
      (this.history(cols.machine[i], true) as MachineHistory).addRow(cols.time[i], data, o);
      // Copied into the machine's own row, overwritten reading after reading (`data` is the
      // caller's answer matrix; a fresh copy per reading was old-generation garbage). Events up to
      // this row are in the row now.
      let state = this.latest.get(cols.machine[i]);
      if (!state) {
        const later = this.beforeFirst.get(cols.machine[i]) ?? [];
        this.beforeFirst.delete(cols.machine[i]);
        this.latest.set(cols.machine[i], (state = { time: 0, row: new Float64Array(nCols), later }));
      }
      state.time = cols.time[i];
      if (cols.time[i] > this.newestAny) this.newestAny = cols.time[i];
      for (let c = 0; c < nCols; c++) state.row[c] = data[o + c];
      if (state.later.length > 0) state.later = state.later.filter((e) => e.time > cols.time[i]);
    }
    return { data, nRows: cols.n, nCols };
  }

  /** Records an event; "failures" also restarts the `since` of the table the contract says it resets. */
  addEvent(table: string, machine: string, time: number, kind: string): void {
    const h = this.history(machine, true) as MachineHistory;
    const resets = this.model.contract.failures?.resets;
    const idx =
      table === "failures" ? (resets ? this.tables.get(resets) : undefined) : this.tables.get(table);
    if (idx === undefined) return;
    h.addEvent(idx, time, kind);
    const e: KnownEvent = { table: idx, kind, time };
    const now = this.latest.get(machine);
    // Even a late one (at or before the row's time): the row was built without it.
    if (now) now.later.push(e);
    else {
      const kept = this.beforeFirst.get(machine);
      if (kept) kept.push(e);
      else this.beforeFirst.set(machine, [e]);
    }
  }

  /** The machine's newest row and the events after it (null: no reading yet). */
  snapshot(machine: string): RowState | null {
    const s = this.latest.get(machine);
    // A copy: the live row is overwritten by the machine's next reading.
    return s ? { time: s.time, row: s.row.slice(), later: s.later.slice() } : null;
  }

  /** Machines that have sent at least one reading. */
  machinesWithReadings(): string[] {
    return [...this.latest.keys()];
  }
}
