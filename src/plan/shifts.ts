// The shop's shift calendar: fixed-length shifts from a daily start hour, in the shop's local time
// (UTC plus an offset, so a plan computed on a server in UTC still says "Thu night" correctly).
import { MillwrightError } from "../core/errors.js";
import type { Technician } from "./types.js";

export interface ShiftSlot {
  index: number;
  /** ISO 8601, UTC. */
  start: string;
  end: string;
  /** Shift name within the day: day, evening, night (3 shifts), day, night (2), … */
  name: string;
  /** Day of week the shift starts on, local time: 0 = Sunday. */
  day: number;
  /** Short label, e.g. "Thu night". */
  label: string;
  /** Words for a sentence, e.g. "Thursday's night shift". */
  words: string;
}

export interface CalendarOptions {
  startTime: Date | string;
  horizonShifts: number;
  shiftHours?: number;
  /** Local hour the first shift of the day starts. */
  dayStartHour?: number;
  utcOffsetMinutes?: number;
  /**
   * The shop's offset from UTC at an instant, in minutes (a zone with daylight saving): wins over
   * `utcOffsetMinutes`, so the shifts after a clock change still start at 06:00, 14:00 and 22:00
   * on the shop's clock (the night the clocks change is an hour longer or shorter).
   */
  offsetAt?: (t: number) => number;
}

const SHORT = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const HOUR = 3_600_000;
/** The local hour of the day's first shift when the caller names none (the server's plans). */
export const DEFAULT_DAY_START_HOUR = 6;

export function shiftNames(shiftHours: number): string[] {
  const n = 24 / shiftHours;
  if (n === 3) return ["day", "evening", "night"];
  if (n === 2) return ["day", "night"];
  if (n === 1) return ["day"];
  return Array.from({ length: n }, (_, i) => `shift ${i + 1}`);
}

/** The horizon's shifts, starting at the first shift boundary at or after `startTime`. */
export function buildShifts(o: CalendarOptions): ShiftSlot[] {
  const shiftHours = o.shiftHours ?? 8;
  const perDay = 24 / shiftHours;
  if (!Number.isInteger(perDay) || shiftHours <= 0) {
    throw new MillwrightError("MW_BAD_INPUT", `shift_hours: must divide 24, got ${shiftHours}`, {
      field: "shift_hours",
    });
  }
  if (!Number.isInteger(o.horizonShifts) || o.horizonShifts < 1 || o.horizonShifts > 24 * 60) {
    throw new MillwrightError("MW_BAD_INPUT", `horizon: must be 1 to 1440 shifts, got ${o.horizonShifts}`, {
      field: "horizon",
    });
  }
  const t = typeof o.startTime === "string" ? Date.parse(o.startTime) : o.startTime.getTime();
  if (!Number.isFinite(t)) {
    throw new MillwrightError("MW_BAD_INPUT", `start_time: not a date, got '${String(o.startTime)}'`, {
      field: "start_time",
    });
  }
  const fixed = (o.utcOffsetMinutes ?? 0) * 60_000;
  const off = o.offsetAt ? (u: number) => (o.offsetAt as (t: number) => number)(u) * 60_000 : () => fixed;
  // A local wall-clock time as an instant: its offset is the zone's there (a time shown twice: the first).
  const utc = (w: number) => w - off(w - off(w));
  const shiftMs = shiftHours * HOUR;
  const anchor = (o.dayStartHour ?? DEFAULT_DAY_START_HOUR) * HOUR; // local 1970-01-01 at the day's first shift
  const k0 = Math.ceil((t + off(t) - anchor) / shiftMs);
  const names = shiftNames(shiftHours);
  const out: ShiftSlot[] = [];
  for (let i = 0; i < o.horizonShifts; i++) {
    const k = k0 + i;
    const localStart = anchor + k * shiftMs;
    const within = ((k % perDay) + perDay) % perDay;
    const day = new Date(localStart - within * shiftMs).getUTCDay();
    const name = names[within];
    out.push({
      index: i,
      start: new Date(utc(localStart)).toISOString(),
      end: new Date(utc(localStart + shiftMs)).toISOString(),
      name,
      day,
      label: `${SHORT[day]} ${name}`,
      words: `${LONG[day]}'s ${name} shift`,
    });
  }
  return out;
}

/** Whether a technician works a shift (no `shifts` list = every shift). */
export function works(tech: Technician, slot: ShiftSlot): boolean {
  if (!tech.shifts) return true;
  return tech.shifts.some(
    (p) => (!p.days || p.days.includes(slot.day)) && (!p.shift || p.shift === slot.name),
  );
}

/** Hours a technician can give to planned work in a shift. */
export function capacity(tech: Technician, slot: ShiftSlot, shiftHours: number): number {
  return works(tech, slot) ? Math.min(tech.hoursPerShift, shiftHours) : 0;
}

/** "7d", "36h", "21" or "21 shifts" → number of shifts. Errors name the `--horizon` option. */
export function parseHorizon(s: string, shiftHours = 8): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(d|days?|h|hours?|s|shifts?)?\s*$/i.exec(s);
  const bad = () =>
    new MillwrightError("MW_BAD_INPUT", `--horizon: expected e.g. 7d, 36h or 21 shifts, got '${s}'`, {
      field: "horizon",
    });
  if (!m) throw bad();
  const v = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase()[0];
  const shifts = unit === "d" ? (v * 24) / shiftHours : unit === "h" ? v / shiftHours : v;
  const n = Math.ceil(shifts - 1e-9);
  if (n < 1) throw bad();
  return n;
}

/** Who can work when: the technicians, the plan's shifts and their length. Both planners take it. */
export interface Crew {
  technicians: Technician[];
  slots: ShiftSlot[];
  shiftHours: number;
}

/**
 * The candidates (task × shift × technician) of a plan and why each is or is not a solver variable,
 * counted for the plan's summary; both planners (tasks.ts, contract-options.ts) admit through it.
 */
export class CandidateTally {
  considered = 0;
  prunedNoValue = 0;
  prunedNoSkillOrShift = 0;
  prunedInterval = 0;
  /** capacity[t][s]: technician t's hours in shift s. */
  readonly capacity: number[][];
  constructor({ technicians, slots, shiftHours }: Crew) {
    this.capacity = technicians.map((t) => slots.map((sl) => capacity(t, sl, shiftHours)));
  }

  /** Whether technician t may take a task of `hours` at shift s; the first reason against is counted. */
  admit(
    t: number,
    s: number,
    hours: number,
    o: { skilled: boolean; worth: boolean; tooSoon?: boolean },
  ): boolean {
    this.considered++;
    if (o.tooSoon) this.prunedInterval++;
    else if (!o.skilled || this.capacity[t][s] < hours) this.prunedNoSkillOrShift++;
    else if (!o.worth) this.prunedNoValue++;
    else return true;
    return false;
  }
}
