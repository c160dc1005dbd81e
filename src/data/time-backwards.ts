// What reading a file says when a machine's rows go backwards in time. A controller clock that
// ignores daylight saving writes the hour its zone skips, which is read with the offset before the
// jump, so its rows step back by up to an hour right at the spring change: only there is the zone
// the likely cause, and a fixed offset the fix. A time written with its own offset is not read in
// the zone at all, and a step back on any other day is rows out of order, whose fix is sorting.
import { carriesOffset, isEpoch, zoneOffsetMinutes } from "./time-format.js";

const HOUR = 3_600_000;
/** How near a clock change a step back must be for the change to explain it. */
const NEAR = 2 * HOUR;

/** A row's time: as read (ms, or the counter) and as written. */
export interface RowTime {
  t: number;
  text: string;
}

/** One offset function per zone: a badly sorted file steps back on many rows. */
const ZONES = new Map<string, (t: number) => number>();
function offsetIn(zone: string): (t: number) => number {
  let f = ZONES.get(zone);
  if (!f) {
    f = zoneOffsetMinutes(zone);
    ZONES.set(zone, f);
  }
  return f;
}

/**
 * Whether the zone's clocks go forward within NEAR of a step back whose times were both read in
 * the zone (the autumn change repeats an hour, which reading already takes as a second pass).
 */
function atSpringChange(zone: string, now: RowTime, before: RowTime): boolean {
  if (carriesOffset(now.text) || carriesOffset(before.text)) return false;
  if (before.t - now.t > NEAR) return false;
  const offset = offsetIn(zone);
  return offset(before.t + NEAR) > offset(now.t - NEAR);
}

/**
 * The message for `now`, a row of machine `id` earlier than `before`, the machine's row above it
 * (`row`: where that is, as errors name rows; the error's own location names `now`'s).
 */
export function backwardsMessage(
  time: { counter?: boolean; zone?: string | null; format?: string | null },
  id: string,
  now: RowTime,
  before: RowTime & { row: string },
): string {
  const head = `time goes backwards for machine '${id}' (rows of a machine must be in time order)`;
  // A counter that starts again at 1 is nearly always a new unit logged under its position's id.
  if (time.counter)
    return `${head}: ${now.t} after ${before.t}. A counter that starts again (a new unit after a replacement) needs its own machine id, such as the unit's serial`;
  const utc = (x: number) => `${new Date(x).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  // An epoch time is an instant, never read in the zone: no clock change explains it.
  const epoch = isEpoch(time.format);
  if (time.zone && !epoch && atSpringChange(time.zone, now, before))
    return `${head}: read as ${utc(now.t)}, after a row at ${utc(before.t)}. In ${time.zone} the hour the clocks go forward does not exist; if this machine's clock does not follow daylight saving time, give time.zone a fixed offset (Etc/GMT-1 is UTC+1) or leave it out (UTC)`;
  // 1767619040 says nothing to a reader: an epoch time is shown as the instant it is, too.
  const shown = (r: RowTime) => `'${r.text.trim()}'${epoch && Number.isFinite(r.t) ? ` (${utc(r.t)})` : ""}`;
  return `${head}: ${shown(now)} comes after ${shown(before)} (${before.row}), so the rows are out of order; sort the file by time (or by machine, then time)`;
}
