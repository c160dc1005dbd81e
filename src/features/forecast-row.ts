// A machine's feature row at a future time, for planning: persistence of its last row (readings,
// attributes and rolling statistics stay as they were last seen), with every `since` feature
// advanced to that time, and optionally one event inserted (a planned task: a maintenance row that
// restarts a component's `since`, or a reading set to a value such as tool wear 0). The model then
// scores these rows exactly as it scores real ones, so a forecast and a "risk after" are the
// model's own numbers. Pure: no I/O, no clock.
import type { FeaturePlan } from "./plan.js";
import { MS_PER_HOUR } from "./plan.js";

/** An event known for a machine: table index (contract order), its kind, its time (ms or counter). */
export interface KnownEvent {
  table: number;
  kind: string;
  time: number;
}

/** Where each event table's count and since columns are in a feature row. */
export interface EventColumns {
  counts: { col: number; size: number }[];
  since: { col: number; kind: string }[];
}

export function eventColumns(plan: FeaturePlan): EventColumns[] {
  let o = plan.nBase;
  for (const h of plan.history) o += h.stats.length;
  return plan.events.map((e) => {
    const counts = e.counts.map((size) => ({ col: o++, size }));
    const since = (e.since ?? []).map((kind) => ({ col: o++, kind }));
    return { counts, since };
  });
}

/** The planned change a row may carry: an event, or a reading set to a value (by its base slot). */
export type RowEffect = { event: KnownEvent } | { slot: number; value: number };

export interface RowState {
  /** Time of the last row (ms or counter). */
  time: number;
  row: Float64Array;
  /** Events recorded after the last row was built (a task marked done, a late entry): the row does not see them. */
  later: KnownEvent[];
}

/**
 * How the readings' part of the row is carried forward. `persistence`: as last seen. `trend`: each
 * reading and each window's mean, min and max move along that window's slope (the reading itself
 * along the longest window's), for at most one window length: a slope is not extrapolated further
 * than the span it was measured over, and after that the row holds. std and slope stay as seen.
 * `revert`: the rows of persistence; the planner then replaces the risk beyond the model's horizon
 * by the fleet's (plan/risk-revert.ts), which a single row cannot know. `calibrated`: the rows of
 * persistence; the planner then maps the risk through the model's planning calibration
 * (train/plan-calibration.ts, fitted on what followed the validation period's mornings).
 */
export type ForecastMethod = "persistence" | "trend" | "revert" | "calibrated";

/**
 * Writes the forecast row at time `t` (≥ state.time; ms or counter) into `out` at `offset`.
 * `effect` applies from its time on (an event at or before t; a reading from `effectFrom`).
 */
export function forecastRow(
  plan: FeaturePlan,
  cols: EventColumns[],
  state: RowState,
  t: number,
  out: Float64Array,
  offset: number,
  effect?: RowEffect,
  effectFrom = Number.NEGATIVE_INFINITY,
  method: ForecastMethod = "persistence",
): void {
  // A machine whose clock ran ahead of the fleet's (core/fleet-time.ts) is planned from before its
  // own last reading: its last row held until the plan reaches it, not its ages run backwards.
  if (t < state.time) t = state.time;
  const n = plan.features.length;
  out.set(state.row.subarray(0, n), offset);
  const unit = plan.counter ? 1 : MS_PER_HOUR;
  if (method === "trend") trend(plan, state.row, (t - state.time) / unit, out, offset);
  const events = [...state.later];
  if (effect && "event" in effect && effect.event.time <= t) events.push(effect.event);
  cols.forEach((c, e) => {
    for (const s of c.since) {
      // The last event of this kind: what the last row saw, or a later one.
      const seen = state.row[s.col];
      let last = Number.isNaN(seen) ? Number.NEGATIVE_INFINITY : state.time - seen * unit;
      for (const ev of events)
        if (ev.table === e && ev.kind === s.kind && ev.time <= t) last = Math.max(last, ev.time);
      out[offset + s.col] = last === Number.NEGATIVE_INFINITY ? Number.NaN : (t - last) / unit;
    }
    // Counts persist as last seen (a burst of alarms stays a burst); new events within a window add.
    for (const k of c.counts)
      for (const ev of events)
        if (ev.table === e && ev.time <= t && ev.time > t - k.size * unit) out[offset + k.col] += 1;
  });
  if (effect && "slot" in effect && t >= effectFrom) {
    out[offset + effect.slot] = effect.value;
    rederive(plan, out, offset);
  }
}

/** Derived features read the base values: recompute them in plan order. */
function rederive(plan: FeaturePlan, out: Float64Array, offset: number): void {
  const base = out.subarray(offset, offset + plan.nBase);
  const first = plan.nReadings + plan.nAttributes;
  plan.derived.forEach((f, i) => {
    base[first + i] = f(base);
  });
}

/** The `trend` method (see ForecastMethod): `dt` is time since the row, in the plan's unit. */
function trend(plan: FeaturePlan, row: Float64Array, dt: number, out: Float64Array, offset: number): void {
  if (!(dt > 0)) return;
  let col = plan.nBase;
  // The base slot's move: the longest window's slope wins (the steadiest estimate).
  const baseMove = new Map<number, { window: number; move: number }>();
  for (const h of plan.history) {
    const w = plan.windows[h.window];
    const iSlope = h.stats.indexOf("slope");
    const slope = iSlope < 0 ? Number.NaN : row[col + iSlope];
    if (Number.isFinite(slope)) {
      const move = slope * Math.min(dt, w);
      h.stats.forEach((s, i) => {
        if (s === "mean" || s === "min" || s === "max") out[offset + col + i] += move;
      });
      const prev = baseMove.get(h.slot);
      if (!prev || w > prev.window) baseMove.set(h.slot, { window: w, move });
    }
    col += h.stats.length;
  }
  if (baseMove.size === 0) return;
  for (const [slot, { move }] of baseMove) out[offset + slot] += move;
  rederive(plan, out, offset);
}
