// A log entry as both logs store it: its type, the columns they index (id, machine, time) and the
// body, the entry's JSON, which a replay reads back exactly (floats and all).
import type { LogEntry, SeqEntry } from "./types.js";

export interface EntryRow {
  type: LogEntry["type"];
  id: string;
  machine: string;
  time: number;
  body: string;
}

export function rowOf(e: LogEntry): EntryRow {
  // A machine's entry is keyed by the machine (its id column) and stamped when it was received.
  if (e.type === "machine") {
    const m = e.machine;
    return { type: e.type, id: m.machine, machine: m.machine, time: m.receivedAt, body: JSON.stringify(m) };
  }
  const x = e.type === "reading" ? e.reading : e.type === "event" ? e.event : e.label;
  return { type: e.type, id: x.id, machine: x.machine, time: x.time, body: JSON.stringify(x) };
}

export function entryOf(seq: number, type: string, body: string): SeqEntry {
  const x = JSON.parse(body);
  if (type === "reading") return { seq, type, reading: x };
  if (type === "label") return { seq, type, label: x };
  if (type === "machine") return { seq, type, machine: x };
  return { seq, type: "event", event: x };
}
