// Layout 4 (packed.ts) packed straight from a request's scored columns: the rows packReadings makes
// of the same readings as LoggedReading objects, byte for byte, without building one object per
// reading (the contract server's hot path: 1,000 readings a request). A request's readings share one
// shape (one model, one set of heads). NaN is written as the one NaN packReadings writes for a null.
import { bounds, idFloor, type PackedRow, type Shape, SURROGATE } from "./packed.js";
import type { LoggedReading, ReadingGroup } from "./types.js";

/** A group's readings as rows, in order: a new row wherever an id does not share the row's prefix. */
export function packColumns(g: ReadingGroup): PackedRow[] {
  const out: PackedRow[] = [];
  for (let i = 0; i < g.n; ) {
    const floor = idFloor(g.ids[i]);
    let j = i + 1;
    while (j < g.n && g.ids[j].startsWith(floor)) j++;
    out.push(packRun(g, i, j));
    i = j;
  }
  return out;
}

// A NaN read from a column may carry a payload; packReadings writes a null as the constant NaN.
const canon = (v: number) => (Number.isNaN(v) ? Number.NaN : v);

function packRun(g: ReadingGroup, i0: number, i1: number): PackedRow {
  const n = i1 - i0;
  const nv = g.values.length;
  const nh = g.headNames.length;
  const w = 4 + nv + nh;
  const x = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    const r = i0 + i;
    let o = i * w;
    x[o + 1] = g.times[r]; // x[o] = 0: the row's one shape
    x[o + 2] = g.predictedAt;
    x[o + 3] = g.failure[r];
    o += 4;
    for (let j = 0; j < nv; j++) x[o++] = canon(g.values[j][r]);
    for (let k = 0; k < nh; k++) {
      const h = g.heads[k];
      x[o++] = h ? canon(h[r]) : Number.NaN;
    }
  }
  const ids = g.ids.slice(i0, i1);
  const machines = g.machines.slice(i0, i1);
  const shape: Shape = [g.modelVersion, [...g.headNames], nv];
  const body = JSON.stringify([ids, machines, [shape]]);
  const [lo, hi] = bounds(ids, SURROGATE.test(body));
  return { n, lo, hi, machine: machines[0], time: g.times[i0], body, nums: Buffer.from(x.buffer) };
}

/** A group's readings as objects (the lock-step path, which appends entries, and the tests). */
export function readingsOf(g: ReadingGroup): LoggedReading[] {
  const out = new Array<LoggedReading>(g.n);
  const orNull = (v: number) => (Number.isNaN(v) ? null : v);
  for (let i = 0; i < g.n; i++) {
    const heads: Record<string, number | null> = {};
    g.headNames.forEach((k, j) => {
      const h = g.heads[j];
      heads[k] = h ? orNull(h[i]) : null;
    });
    out[i] = {
      id: g.ids[i],
      machine: g.machines[i],
      time: g.times[i],
      values: g.values.map((c) => orNull(c[i])),
      modelVersion: g.modelVersion,
      predictedAt: g.predictedAt,
      failureProbability: g.failure[i],
      heads,
    };
  }
  return out;
}
