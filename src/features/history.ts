// One machine's history: the state that turns its next reading into a feature row. Training,
// `millwright predict` and the server all push rows and events through this class in time order,
// so the same history gives the same features, bit for bit (no look-ahead: a row at t sees only
// rows and events at or before t). Pure: no I/O, no clock.
import { upperBound } from "../core/search.js";
import { CounterRates, planUnits } from "./counter-rate.js";
import type { FeaturePlan } from "./plan.js";
import { RollingWindow } from "./rolling.js";

/** Adds v to sorted `a`: appended when in order (the usual case), inserted in place when late. */
function insertSorted(a: number[], v: number): void {
  if (a.length === 0 || a[a.length - 1] <= v) a.push(v);
  else a.splice(upperBound(a, v), 0, v);
}

/**
 * Event times of one table, sorted. Events may arrive late (a maintenance entry typed in hours
 * after the fact) or ahead of the readings (a whole file of events, then the readings): a query at
 * t counts only events in (t − w, t], so what is known when a row is scored, and at or before its
 * time, is what its features see, whatever order they arrived in.
 */
class EventTimes {
  readonly all: number[] = [];
  /** Per kind, sorted times. */
  readonly byKind: number[][];
  constructor(kinds: number) {
    this.byKind = Array.from({ length: kinds }, () => []);
  }
  /** Forgets what no later row can see: counts older than the longest window, all but the last event of a kind before `t`. */
  trim(t: number, longest: number): void {
    if (this.all.length > 512) {
      const k = upperBound(this.all, t - longest);
      if (k > 256) this.all.splice(0, k);
    }
    for (const a of this.byKind)
      if (a.length > 64) {
        const k = upperBound(a, t) - 1;
        if (k > 32) a.splice(0, k);
      }
  }
}

export class MachineHistory {
  private readonly windows: RollingWindow[];
  private readonly events: EventTimes[];
  private readonly kindIndex: Map<string, number>[];
  private readonly longest: number[];
  /** The counter readings' last values: a counter's slot gets its rate before anything reads it. */
  private readonly counters: CounterRates | null;
  private rows = 0;
  /** Time of the newest row (ms or counter): a machine's rows must not go back past it. */
  newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly plan: FeaturePlan) {
    this.windows = plan.history.map((h) => new RollingWindow(plan.windows[h.window]));
    this.events = plan.events.map((e) => new EventTimes(e.since?.length ?? 0));
    this.longest = plan.events.map((e) => Math.max(0, ...e.counts));
    this.kindIndex = plan.events.map((e) => new Map((e.since ?? []).map((k, i) => [k, i])));
    this.counters = plan.counters.length > 0 ? new CounterRates(plan.counters) : null;
  }

  /** Time in the plan's units: hours on a clock, the counter's value otherwise. */
  private units(t: number): number {
    return planUnits(t, this.plan.counter);
  }

  /** Records an event of table `table` at time `t` (ms or counter) with kind `kind`. */
  addEvent(table: number, t: number, kind: string): void {
    const u = this.units(t);
    const e = this.events[table];
    insertSorted(e.all, u);
    const k = this.kindIndex[table].get(kind);
    if (k !== undefined) insertSorted(e.byKind[k], u);
  }

  /**
   * Adds a row at time `t` whose readings and attributes are already in out[offset..offset+nReadings+nAttributes),
   * and writes derived, history and event features after them (the plan's column order).
   */
  addRow(t: number, out: Float64Array, offset: number): void {
    const p = this.plan;
    const u = this.units(t);
    this.newest = t;
    const base = out.subarray(offset, offset + p.nBase);
    this.counters?.apply(u, base);
    let o = offset + p.nReadings + p.nAttributes;
    for (const f of p.derived) {
      out[o] = f(base);
      o++;
    }
    // A counter's windows count this machine's rows; a clock's cover (t − size, t].
    const now = p.counter ? this.rows : u;
    this.rows++;
    for (let h = 0; h < p.history.length; h++) {
      const w = this.windows[h];
      w.expire(now);
      w.push(now, base[p.history[h].slot]);
      for (const s of p.history[h].stats) {
        out[o++] =
          s === "mean"
            ? w.mean()
            : s === "std"
              ? w.std()
              : s === "min"
                ? w.min()
                : s === "max"
                  ? w.max()
                  : w.slope(1);
      }
    }
    for (let e = 0; e < p.events.length; e++) {
      const ev = this.events[e];
      const atOrBefore = upperBound(ev.all, u);
      for (const size of p.events[e].counts) out[o++] = atOrBefore - upperBound(ev.all, u - size);
      for (const times of ev.byKind) {
        const j = upperBound(times, u) - 1;
        out[o++] = j >= 0 ? u - times[j] : Number.NaN;
      }
      ev.trim(u, this.longest[e]);
    }
  }
}
