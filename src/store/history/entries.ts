// A log entry as both logs store it: its type, the columns they index (id, machine, time) and the
// body, the entry's JSON, which a replay reads back exactly (floats and all). Readings appended
// together are one row of type `readings` (layout 4, packed.ts) holding n entries: the row's seq is
// its last reading's, and its readings have the n seqs up to it. A `reading` row (one reading as
// JSON) is what layouts 1–3 wrote: still read back, never written.
import { packReadings, unpackReadings } from "./packed.js";
import type { LogEntry, LoggedEvent, LoggedMachine, LoggedReading, SeqEntry } from "./types.js";

export interface EntryRow {
  type: LogEntry["type"];
  id: string;
  machine: string;
  time: number;
  body: string;
}

/** A row to insert: one entry, or a packed group of readings (n of them, its largest id `hi`). */
export interface StoredRow {
  type: "readings" | Exclude<LogEntry["type"], "reading">;
  id: string;
  machine: string;
  time: number;
  body: string;
  n: number;
  hi: string | null;
  nums: Uint8Array | null;
}

/** StoredRow's fields in the order a row is inserted (sqlite-rows.ts, postgres-rows.ts). */
export const STORED_ROW_FIELDS = ["type", "id", "machine", "time", "body", "n", "hi", "nums"] as const;

export function rowOf(e: LogEntry): EntryRow {
  // A machine's entry is keyed by the machine (its id column) and stamped when it was received.
  if (e.type === "machine") {
    const m = e.machine;
    return { type: e.type, id: m.machine, machine: m.machine, time: m.receivedAt, body: JSON.stringify(m) };
  }
  const x = e.type === "reading" ? e.reading : e.type === "event" ? e.event : e.label;
  return { type: e.type, id: x.id, machine: x.machine, time: x.time, body: JSON.stringify(x) };
}

/** Entries as the rows that hold them, in order: each run of readings packed, the rest a row each. */
export function storedRows(entries: readonly LogEntry[]): StoredRow[] {
  const out: StoredRow[] = [];
  let run: LoggedReading[] = [];
  const flush = () => {
    out.push(...packReadings(run));
    run = [];
  };
  for (const e of entries) {
    if (e.type === "reading") {
      run.push(e.reading);
      continue;
    }
    flush();
    const r = rowOf(e) as EntryRow & { type: StoredRow["type"] };
    out.push({ ...r, n: 1, hi: null, nums: null });
  }
  flush();
  return out;
}

/** Each entry's seq from its row's (0 for a row not written: an event id already logged), in order. */
export function entrySeqs(rows: readonly StoredRow[], rowSeqs: readonly number[]): number[] {
  const out: number[] = [];
  rows.forEach((r, k) => {
    for (let i = r.n - 1; i >= 0; i--) out.push(rowSeqs[k] > 0 ? rowSeqs[k] - i : 0);
  });
  return out;
}

export function entryOf(seq: number, type: string, body: string): SeqEntry {
  const x = JSON.parse(body);
  if (type === "reading") return { seq, type, reading: x };
  if (type === "label") return { seq, type, label: x };
  if (type === "machine") return { seq, type, machine: x };
  return { seq, type: "event", event: x };
}

/** A stored row as it is read back. */
export interface ReadRow {
  seq: number;
  type: string;
  body: string;
  nums: Uint8Array | null;
}

/** A row's entries with seq > `after`, pushed onto `out` until it holds `limit`. */
export function pushEntries(
  out: SeqEntry[],
  r: ReadRow,
  after: number,
  limit = Number.POSITIVE_INFINITY,
): void {
  if (r.type !== "readings") {
    if (r.seq > after && out.length < limit) out.push(entryOf(r.seq, r.type, r.body));
    return;
  }
  const rs = unpackReadings(r.body, r.nums as Uint8Array);
  const first = r.seq - rs.length + 1;
  for (let i = Math.max(0, after + 1 - first); i < rs.length && out.length < limit; i++)
    out.push({ seq: first + i, type: "reading", reading: rs[i] });
}

/** Each kind of entry appended, as both logs append them: through the log's own `append`. */
export abstract class EntryAppends {
  protected abstract append(entries: LogEntry[]): Promise<number[]>;

  appendReadings(rows: LoggedReading[]): Promise<number[]> {
    return this.append(rows.map((reading) => ({ type: "reading", reading })));
  }

  appendEvents(events: LoggedEvent[]): Promise<number[]> {
    return this.append(events.map((event) => ({ type: "event", event })));
  }

  appendMachines(machines: LoggedMachine[]): Promise<number[]> {
    return this.append(machines.map((machine) => ({ type: "machine", machine })));
  }
}
