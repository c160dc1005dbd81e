// One machine's history: the state that turns its next reading into a feature row. Training,
// `millwright predict` and the server all push rows and events through this class in time order,
// so the same history gives the same features, bit for bit (no look-ahead: a row at t sees only
// rows and events at or before t). Pure: no I/O, no clock.
import type { FeaturePlan } from "./plan.js";
import { MS_PER_HOUR } from "./plan.js";
import { RollingWindow } from "./rolling.js";

class EventCounter {
  private times: number[] = [];
  private head = 0;
  constructor(readonly size: number) {}
  add(t: number): void {
    this.times.push(t);
  }
  count(now: number): number {
    const edge = now - this.size;
    while (this.head < this.times.length && this.times[this.head] <= edge) this.head++;
    // Drop what left the window now and then, so a year of alarms does not stay in memory.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
}

export class MachineHistory {
  private readonly windows: RollingWindow[];
  private readonly counters: EventCounter[][];
  private readonly last: Float64Array[];
  private readonly kindIndex: Map<string, number>[];
  private rows = 0;
  /** Time of the newest row or event, in the plan's units: rows must not go back past it. */
  newest = Number.NEGATIVE_INFINITY;

  constructor(private readonly plan: FeaturePlan) {
    this.windows = plan.history.map((h) => new RollingWindow(plan.windows[h.window]));
    this.counters = plan.events.map((e) => e.counts.map((size) => new EventCounter(size)));
    this.last = plan.events.map((e) => new Float64Array(e.since?.length ?? 0).fill(Number.NaN));
    this.kindIndex = plan.events.map((e) => new Map((e.since ?? []).map((k, i) => [k, i])));
  }

  /** Time in the plan's units: hours on a clock, the counter's value otherwise. */
  private units(t: number): number {
    return this.plan.counter ? t : t / MS_PER_HOUR;
  }

  /** Records an event of table `table` at time `t` (ms or counter) with kind `kind`. */
  addEvent(table: number, t: number, kind: string): void {
    const u = this.units(t);
    if (u > this.newest) this.newest = u;
    for (const c of this.counters[table]) c.add(u);
    const k = this.kindIndex[table].get(kind);
    if (k !== undefined) this.last[table][k] = u;
  }

  /**
   * Adds a row at time `t` whose readings and attributes are already in out[offset..offset+nReadings+nAttributes),
   * and writes derived, history and event features after them (the plan's column order).
   */
  addRow(t: number, out: Float64Array, offset: number): void {
    const p = this.plan;
    const u = this.units(t);
    if (u > this.newest) this.newest = u;
    const base = out.subarray(offset, offset + p.nBase);
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
      for (const c of this.counters[e]) out[o++] = c.count(u);
      const last = this.last[e];
      for (let k = 0; k < last.length; k++) out[o++] = u - last[k];
    }
  }
}
