// The fleet's data time, robust to one machine's clock. A reading is taken up to MAX_AHEAD_MS
// (7 days) ahead of the fleet, so a controller whose clock runs days fast (trial 3: H05, 5 days) made
// the fleet's newest reading its own: the drift window held that one reading (and was "full"), and
// the plan started 5 days after every other machine's data. So the fleet's time is the newest
// reading of the machines that do not lead the rest: a machine leads when its newest reading is more
// than CLOCK_LEAD_MS past the fleet's reference time, the newest reading of the machine a quarter of
// the fleet from the top (at least one machine). Why a quarter and not the median: a machine that is
// ahead is rare, a machine that is behind is not: a shop whose machines write nothing when idle has
// most of them silent over a weekend while a few run, and with the median the running ones would
// read as ahead on Monday morning. With the quarter, up to a quarter of the fleet (at least one
// machine) can run fast without moving the fleet's time, and a quarter that keeps running is not
// misread. A fleet of one or two machines has no majority to judge by: its newest reading is its time.
// On a normal fleet (all within CLOCK_LEAD_MS of each other) the fleet's time is the newest reading,
// as before. Pure.

/**
 * How far a machine's newest reading may lead the fleet's before its clock is suspect: more than a
 * shift (8 h) and a half. A fleet reporting hourly or faster has its newest readings within an hour
 * of each other; a gateway that buffers a shift, or a machine switched on a shift early, stays under
 * it. A lead past it moves a plan of shifts by more than a shift.
 */
export const CLOCK_LEAD_MS = 12 * 3_600_000;

export interface LeadingMachine {
  machine: string;
  /** Its newest reading (ms). */
  time: number;
  /** How far it is past the fleet's reference time (ms). */
  lead_ms: number;
}

export interface FleetTime {
  /** The newest reading of the machines that do not lead: where a plan starts, where the drift window ends. */
  time: number;
  /** The newest reading of the machine a quarter of the fleet from the top (the newest on a fleet under 3). */
  reference: number;
  /** The machines whose newest reading is more than CLOCK_LEAD_MS past `reference`, most ahead first. */
  leading: LeadingMachine[];
}

/** The fleet's time from each machine's newest reading (ms); null for no machine. */
export function fleetTime(newest: Iterable<readonly [string, number]>): FleetTime | null {
  const all = [...newest].filter(([, t]) => Number.isFinite(t)).sort((a, b) => a[1] - b[1]);
  const n = all.length;
  if (n === 0) return null;
  const reference = n < 3 ? all[n - 1][1] : all[n - 1 - Math.max(1, Math.floor(n / 4))][1];
  const leading: LeadingMachine[] = [];
  let time = Number.NEGATIVE_INFINITY;
  for (const [machine, t] of all)
    if (t > reference + CLOCK_LEAD_MS) leading.push({ machine, time: t, lead_ms: t - reference });
    else time = Math.max(time, t);
  leading.sort((a, b) => b.lead_ms - a.lead_ms || a.machine.localeCompare(b.machine));
  return { time, reference, leading };
}

/** An instant to the minute, UTC: 2026-12-10T00:00Z. */
export function isoMinute(t: number): string {
  return `${new Date(t).toISOString().slice(0, 16)}Z`;
}

/** A lead in words: hours under two days, else days (one decimal). */
export function leadText(ms: number): string {
  const h = ms / 3_600_000;
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}

/**
 * "machine H05's newest reading is 5.1 days ahead of most of the fleet (2026-12-10T00:00Z vs
 * 2026-12-04T22:00Z, the newest reading of the machine a quarter of the fleet from the top)". Not "the
 * fleet's time": that is the newest reading of the machines that do not lead, which may be hours past
 * the reference (trial 6 read the two as one time that the plan and the monitor disagreed on).
 */
export function leadSentence(l: LeadingMachine, reference: number): string {
  return `machine ${l.machine}'s newest reading is ${leadText(l.lead_ms)} ahead of most of the fleet (${isoMinute(l.time)} vs ${isoMinute(reference)}, the newest reading of the machine a quarter of the fleet from the top)`;
}
