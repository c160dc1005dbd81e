// Labels from failure events: a row at t is positive for kind k when machine m has a failure of
// kind k in (t, t + horizon]. A row whose horizon runs past the end of the data is censored: we do
// not know its label, so it neither trains nor tests; unless a failure already falls inside it,
// which makes the row a known positive (dropping those would drop the failures closest to the end
// of an export, and every failure of run-to-failure data such as engines counted in cycles). Pure.
// On a counter time (`perMachineEnd`) each machine's counter is its own clock, so "the end of the
// data" is that machine's last row: unit A's cycle 150 says nothing about unit B's cycle 150, and
// a fleet-wide end would label a still-running unit's last rows as known negatives (and the row
// of each run-to-failure unit's failure cycle as "no failure ahead").
import type { EventTable } from "../data/events.js";
import type { Telemetry } from "../data/telemetry.js";
import { rowsByMachine } from "./build.js";

export interface HorizonLabels {
  /** "machine_failure" (any kind) first, then one per kind. */
  heads: Map<string, Uint8Array>;
  /** 1 where the horizon runs past the end of the data and holds no failure. */
  censored: Uint8Array;
  /** Time of the last telemetry row: the end of what is known (the fleet's, on a counter too). */
  dataEnd: number;
}

export function horizonLabels(
  t: Telemetry,
  failures: EventTable,
  kinds: readonly string[],
  horizon: number,
  perMachineEnd = false,
): HorizonLabels {
  const any = new Uint8Array(t.n);
  const heads = new Map<string, Uint8Array>([["machine_failure", any]]);
  const perKind = kinds.map((k) => {
    const y = new Uint8Array(t.n);
    heads.set(k, y);
    return y;
  });
  const kindIdx = new Map(kinds.map((k, i) => [k, i]));
  let dataEnd = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < t.n; i++) if (t.time[i] > dataEnd) dataEnd = t.time[i];
  const byMachine = eachFailureAhead(t, failures, horizon, (i, j) => {
    any[i] = 1;
    const k = kindIdx.get(failures.kind[j]);
    if (k !== undefined) perKind[k][i] = 1;
  });
  const end = perMachineEnd ? machineEnds(t, byMachine) : null;
  const censored = new Uint8Array(t.n);
  for (let i = 0; i < t.n; i++)
    if (t.time[i] + horizon > (end ? end[t.machine[i]] : dataEnd) && any[i] === 0) censored[i] = 1;
  return { heads, censored, dataEnd };
}

/**
 * Calls `hit(i, j)` for every reading i (of `only`, when given) and every failure j of its machine
 * in (time of i, time of i + horizon]. Failures are sorted by machine, then time, and each machine's
 * rows are in time order: two pointers, so the walk is linear. Returns the rows by machine.
 */
function eachFailureAhead(
  t: Telemetry,
  failures: EventTable,
  horizon: number,
  hit: (i: number, j: number) => void,
  only?: Uint8Array,
): Int32Array[] {
  const byMachine = rowsByMachine(t);
  let f = 0;
  for (let m = 0; m < byMachine.length; m++) {
    while (f < failures.n && failures.machine[f] < m) f++;
    let end = f;
    while (end < failures.n && failures.machine[end] === m) end++;
    let lo = f;
    for (const i of byMachine[m]) {
      const now = t.time[i];
      while (lo < end && failures.time[lo] <= now) lo++;
      if (only && !only[i]) continue;
      for (let j = lo; j < end && failures.time[j] <= now + horizon; j++) hit(i, j);
    }
    f = end;
  }
  return byMachine;
}

/** Each machine's last time (its rows are in time order). */
function machineEnds(t: Telemetry, byMachine: Int32Array[]): Float64Array {
  const end = new Float64Array(byMachine.length).fill(Number.NEGATIVE_INFINITY);
  for (let m = 0; m < byMachine.length; m++) {
    const rows = byMachine[m];
    if (rows.length > 0) end[m] = t.time[rows[rows.length - 1]];
  }
  return end;
}

/**
 * Per head, how many failures lie behind the positive rows of `rows` (a test part): the distinct
 * failure events within the horizon after at least one of those rows. A positive row is a reading
 * within the horizon before a failure, so hourly readings and a 24 h horizon make some 24 positive
 * rows per failure; a card or a summary that calls positive rows "failures" overstates them by that.
 */
export function failuresBehind(
  t: Telemetry,
  failures: EventTable,
  kinds: readonly string[],
  horizon: number,
  rows: ArrayLike<number>,
): Record<string, number> {
  const inPart = new Uint8Array(t.n);
  for (let k = 0; k < rows.length; k++) inPart[rows[k]] = 1;
  const seen = new Uint8Array(failures.n);
  eachFailureAhead(
    t,
    failures,
    horizon,
    (_i, j) => {
      seen[j] = 1;
    },
    inPart,
  );
  const perKind = new Map(kinds.map((k) => [k, 0]));
  let any = 0;
  for (let j = 0; j < failures.n; j++) {
    if (!seen[j]) continue;
    any++;
    const k = perKind.get(failures.kind[j]);
    if (k !== undefined) perKind.set(failures.kind[j], k + 1);
  }
  return { machine_failure: any, ...Object.fromEntries(perKind) };
}
