// The historian simulation as the feature builder's input, built straight from the simulator's
// columns (no CSV round trip: writing and parsing 876,000 rows would take longer than the thing
// measured), plus raw binary files of the same columns for a child process and for pandas.
// Rows are in the export's file order (hour by hour, machines within an hour); event tables are
// sorted by machine, then time, then file order, exactly as readEvents sorts them.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadContract } from "../../src/contract/load.js";
import type { Contract } from "../../src/contract/types.js";
import type { EventTable } from "../../src/data/events.js";
import type { Historian } from "../../src/data/historian.js";
import type { Telemetry } from "../../src/data/telemetry.js";
import type { HistoryInput } from "../../src/features/build.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = HERE.includes(join("dist", "bench"))
  ? join(HERE, "..", "..", "..")
  : join(HERE, "..", "..");

/**
 * examples/contracts/historian.yaml with only what the feature benchmark measures: 6 readings,
 * windows [6h, 24h] × all five stats, alarm counts over 24h, time since maintenance per component
 * (failures reset it). Attributes and derived columns are dropped so pandas does exactly the same work.
 */
export function featureContract(kinds: string[]): Contract {
  const c = loadContract(join(ROOT, "examples", "contracts", "historian.yaml")).contract;
  return {
    ...c,
    attributes: null,
    derived: [],
    events: c.events.map((e) => (e.since ? { ...e, kinds } : e)),
    failures: c.failures ? { ...c.failures, kinds } : null,
  };
}

export interface RawInput extends HistoryInput {
  readings: string[];
  kinds: string[];
  failures: EventTable;
}

function events(rows: { machine: number; ms: number; kind: string }[], keep: number): EventTable {
  const idx = rows.map((_, i) => i).filter((i) => rows[i].machine < keep);
  idx.sort((a, b) => rows[a].machine - rows[b].machine || rows[a].ms - rows[b].ms || a - b);
  return {
    n: idx.length,
    machine: Int32Array.from(idx, (i) => rows[i].machine),
    time: Float64Array.from(idx, (i) => rows[i].ms),
    kind: idx.map((i) => rows[i].kind),
  };
}

/** The feature input of a simulation's first `keep` machines (all by default). */
export function historianInput(h: Historian, readings: string[], keep = h.machines.length): RawInput {
  const ms = h.machines.slice(0, keep);
  const n = h.hours * ms.length;
  const machine = new Int32Array(n);
  const time = new Float64Array(n);
  const values = readings.map(() => new Float64Array(n));
  const cols = ms.map((m) => readings.map((r) => m.readings[r as keyof typeof m.readings]));
  for (let t = 0, i = 0; t < h.hours; t++)
    for (let k = 0; k < ms.length; k++, i++) {
      machine[i] = k;
      time[i] = h.startMs + t * 3_600_000;
      for (let r = 0; r < readings.length; r++) values[r][i] = cols[k][r]?.[t] ?? Number.NaN;
    }
  const telemetry: Telemetry = {
    n,
    machines: ms.map((m) => m.id),
    machine,
    time,
    values,
    line: new Int32Array(n),
    labels: null,
    warnings: [],
  };
  const alarms = events(
    h.alarms.map((a) => ({ machine: a.machine, ms: a.ms, kind: a.code })),
    keep,
  );
  const maintenance = events(
    h.maintenance.map((e) => ({ machine: e.machine, ms: e.ms, kind: e.component })),
    keep,
  );
  const failures = events(
    h.failures.map((f) => ({ machine: f.machine, ms: f.ms, kind: f.component })),
    keep,
  );
  const kinds = [...new Set([...maintenance.kind, ...failures.kind])].sort();
  return {
    telemetry,
    attributes: [],
    events: [alarms, maintenance],
    resets: { table: 1, failures },
    failures,
    readings,
    kinds,
  };
}

const bytes = (a: Float64Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * Raw little-endian files: telemetry machine (int32), time (float64 ms), readings (float64, one
 * column after another); per event table machine, time and the kind's index in `kinds` (int32).
 */
export function writeRaw(dir: string, x: RawInput): void {
  const t = x.telemetry;
  const vals = new Float64Array(t.n * x.readings.length);
  for (let r = 0; r < x.readings.length; r++) vals.set(t.values[r], r * t.n);
  writeFileSync(join(dir, "machine.i32"), bytes(t.machine));
  writeFileSync(join(dir, "time.f64"), bytes(t.time));
  writeFileSync(join(dir, "values.f64"), bytes(vals));
  const tables = { alarms: x.events[0], maintenance: x.events[1], failures: x.failures };
  const kindCodes = (e: EventTable) => Int32Array.from(e.kind, (k) => x.kinds.indexOf(k));
  for (const [name, e] of Object.entries(tables)) {
    writeFileSync(join(dir, `${name}.machine.i32`), bytes(e.machine));
    writeFileSync(join(dir, `${name}.time.f64`), bytes(e.time));
    writeFileSync(join(dir, `${name}.kind.i32`), bytes(kindCodes(e)));
  }
  const meta = { n: t.n, machines: t.machines, readings: x.readings, kinds: x.kinds };
  writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
}

function f64(file: string): Float64Array {
  const b = readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
function i32(file: string): Int32Array {
  const b = readFileSync(file);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Reads writeRaw's files back, keeping the first `keep` machines (rows stay in file order). */
export function readRaw(dir: string, keep: number): RawInput {
  const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as {
    n: number;
    machines: string[];
    readings: string[];
    kinds: string[];
  };
  const m0 = i32(join(dir, "machine.i32"));
  const t0 = f64(join(dir, "time.f64"));
  const v0 = f64(join(dir, "values.f64"));
  let n = 0;
  for (let i = 0; i < meta.n; i++) if (m0[i] < keep) n++;
  const machine = new Int32Array(n);
  const time = new Float64Array(n);
  const values = meta.readings.map(() => new Float64Array(n));
  for (let i = 0, j = 0; i < meta.n; i++) {
    if (m0[i] >= keep) continue;
    machine[j] = m0[i];
    time[j] = t0[i];
    for (let r = 0; r < values.length; r++) values[r][j] = v0[r * meta.n + i];
    j++;
  }
  const table = (name: string): EventTable => {
    const m = i32(join(dir, `${name}.machine.i32`));
    const t = f64(join(dir, `${name}.time.f64`));
    const k = i32(join(dir, `${name}.kind.i32`));
    const keepIdx = [...m.keys()].filter((i) => m[i] < keep);
    return {
      n: keepIdx.length,
      machine: Int32Array.from(keepIdx, (i) => m[i]),
      time: Float64Array.from(keepIdx, (i) => t[i]),
      kind: keepIdx.map((i) => (k[i] >= 0 ? meta.kinds[k[i]] : "")),
    };
  };
  const failures = table("failures");
  return {
    telemetry: {
      n,
      machines: meta.machines.slice(0, keep),
      machine,
      time,
      values,
      line: new Int32Array(n),
      labels: null,
      warnings: [],
    },
    attributes: [],
    events: [table("alarms"), table("maintenance")],
    resets: { table: 1, failures },
    failures,
    readings: meta.readings,
    kinds: meta.kinds,
  };
}
