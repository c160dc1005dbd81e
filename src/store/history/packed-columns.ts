// Layout 4 (packed.ts) packed straight from a request's scored columns: the rows packReadings makes
// of the same readings as LoggedReading objects, byte for byte, without building one object per
// reading (the contract server's hot path: 1,000 readings a request). A request's readings share one
// shape (one model, one set of heads); a group commit's requests usually do too.
import { bounds, idFloor, type PackedRow, type Shape, SURROGATE } from "./packed.js";
import type { LoggedReading, ReadingGroup } from "./types.js";

type Segment = { g: ReadingGroup; i0: number; i1: number };

/**
 * Groups' readings, one after another (the requests of one group commit), as rows: a new row
 * wherever an id does not share the row's prefix, so several requests' readings share a row as
 * packReadings would pack them (a row per request cost a single-reading server ~10 % of its CPU).
 */
export function packGroups(gs: readonly ReadingGroup[]): PackedRow[] {
  const out: PackedRow[] = [];
  let segs: Segment[] = [];
  let floor: string | null = null;
  for (const g of gs) {
    let i0 = 0;
    for (let i = 0; i < g.n; i++) {
      if (floor !== null && g.ids[i].startsWith(floor)) continue;
      if (i > i0) segs.push({ g, i0, i1: i });
      if (segs.length > 0) out.push(packSegments(segs));
      segs = [];
      floor = idFloor(g.ids[i]);
      i0 = i;
    }
    if (g.n > i0) segs.push({ g, i0, i1: g.n });
  }
  if (segs.length > 0) out.push(packSegments(segs));
  return out;
}

// A NaN read from a column may carry a payload; packReadings writes a null as the constant NaN.
const canon = (v: number) => (Number.isNaN(v) ? Number.NaN : v);

const sameShape = (g: ReadingGroup, s: Shape) =>
  g.modelVersion === s[0] &&
  g.values.length === s[2] &&
  g.headNames.length === s[1].length &&
  g.headNames.every((h, k) => h === s[1][k]);

function packSegments(segs: Segment[]): PackedRow {
  const shapes: Shape[] = [];
  const shapeOf = segs.map(({ g }) => {
    const s = shapes.findIndex((x) => sameShape(g, x));
    return s >= 0 ? s : shapes.push([g.modelVersion, [...g.headNames], g.values.length]) - 1;
  });
  let width = 0;
  for (const { g, i0, i1 } of segs) width += (i1 - i0) * (4 + g.values.length + g.headNames.length);
  const x = new Float64Array(width);
  const ids: string[] = [];
  const machines: string[] = [];
  let o = 0;
  segs.forEach(({ g, i0, i1 }, k) => {
    const nv = g.values.length;
    const nh = g.headNames.length;
    for (let r = i0; r < i1; r++) {
      x[o] = shapeOf[k];
      x[o + 1] = g.times[r];
      x[o + 2] = g.predictedAt;
      x[o + 3] = g.failure[r];
      o += 4;
      for (let j = 0; j < nv; j++) x[o++] = canon(g.values[j][r]);
      for (let h = 0; h < nh; h++) {
        const p = g.heads[h];
        x[o++] = p ? canon(p[r]) : Number.NaN;
      }
      ids.push(g.ids[r]);
      machines.push(g.machines[r]);
    }
  });
  const body = JSON.stringify([ids, machines, shapes]);
  const [id, hi] = bounds(ids, SURROGATE.test(body));
  const time = segs[0].g.times[segs[0].i0];
  const nums = Buffer.from(x.buffer);
  return { type: "readings", n: ids.length, id, hi, machine: machines[0], time, body, nums };
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
