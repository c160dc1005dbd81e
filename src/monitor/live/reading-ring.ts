// The last N scored readings as columns overwritten in place: the board keeps one per machine, the
// monitor one for the fleet. Why not an object per reading: each one lived just long enough (a
// machine's next 100 readings) to be promoted to V8's old generation and die there, and at 64
// connections the major collections that swept them cost more CPU than building the features
// (profiled, BENCHMARKS.md "Serving one reading with history"). Typed columns make no garbage.
// Readers build objects on demand: a page of the board, a monitor report every 10 s. The ids are
// kept as bytes (label-column.ts), for the same reason.
import { LabelColumn } from "./label-column.js";

export class ReadingRing {
  /** Per slot: the reading's id (board) or machine (monitor): `label(slot)`. */
  private readonly labels: LabelColumn;
  readonly time: Float64Array;
  readonly predictedAt: Float64Array;
  /** The failure probability the reading was scored with. */
  readonly probability: Float64Array;
  /** `width` values per slot, contract order; NaN where missing. */
  readonly values: Float64Array;
  /** Per head, a value per slot; NaN where the head had no probability (or did not exist yet). */
  readonly heads = new Map<string, Float64Array>();
  private readonly headNames: string[] = [];
  private readonly headCols: Float64Array[] = [];
  private next = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    this.labels = new LabelColumn(capacity);
    this.time = new Float64Array(capacity);
    this.predictedAt = new Float64Array(capacity);
    this.probability = new Float64Array(capacity);
    this.values = new Float64Array(capacity * width);
  }

  /** Keeps a reading in the oldest slot (once full); returns that slot. */
  push(
    label: string,
    time: number,
    predictedAt: number,
    probability: number,
    values: readonly (number | null)[],
    heads?: Readonly<Record<string, number | null>>,
  ): number {
    const s = this.next;
    this.next = s + 1 === this.capacity ? 0 : s + 1;
    if (this.size < this.capacity) this.size++;
    this.labels.set(s, label);
    this.time[s] = time;
    this.predictedAt[s] = predictedAt;
    this.probability[s] = probability;
    const o = s * this.width;
    for (let j = 0; j < this.width; j++) this.values[o + j] = values[j] ?? Number.NaN;
    // The heads seen so far, by position (a Map lookup per head per reading showed in the profile);
    // a head new to this ring gets its column, and one a reading lacks is NaN in it.
    let seen = 0;
    for (let h = 0; h < this.headNames.length; h++) {
      const v = heads?.[this.headNames[h]];
      if (v !== undefined) seen++;
      this.headCols[h][s] = v ?? Number.NaN;
    }
    // Counted without Object.keys, whose array per reading was a tenth of the board's garbage.
    let names = 0;
    for (const _ in heads) names++;
    if (heads && seen < names)
      for (const k in heads)
        if (!this.heads.has(k)) {
          const col = new Float64Array(this.capacity).fill(Number.NaN);
          col[s] = heads[k] ?? Number.NaN;
          this.heads.set(k, col);
          this.headNames.push(k);
          this.headCols.push(col);
        }
    return s;
  }

  /** Slot `s`'s reading's id (board) or machine (monitor). */
  label(s: number): string {
    return this.labels.get(s);
  }

  /** The slot of the i-th oldest reading kept (0 ≤ i < size). */
  slot(i: number): number {
    const s = this.next - this.size + i;
    return s < 0 ? s + this.capacity : s;
  }

  /** The newest reading's slot (size > 0). */
  newest(): number {
    return this.slot(this.size - 1);
  }

  valuesAt(s: number): (number | null)[] {
    const out = new Array<number | null>(this.width);
    for (let j = 0; j < this.width; j++) {
      const v = this.values[s * this.width + j];
      out[j] = Number.isNaN(v) ? null : v;
    }
    return out;
  }

  headsAt(s: number): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const [k, col] of this.heads) out[k] = Number.isNaN(col[s]) ? null : col[s];
    return out;
  }
}

/** A ring's readings, oldest first, with category readings by level name (built per report, not per reading). */
export function ringRows(
  r: ReadingRing,
  readings: readonly { kind: string; levels: string[] | null }[],
): { machine: string; time: number; p: number; values: (number | string | null)[] }[] {
  const out = [];
  for (let i = 0; i < r.size; i++) {
    const s = r.slot(i);
    const values = r
      .valuesAt(s)
      .map((v, j) =>
        v !== null && readings[j]?.kind === "category" ? (readings[j].levels?.[v] ?? null) : v,
      );
    out.push({ machine: r.label(s), time: r.time[s], p: r.probability[s], values });
  }
  return out;
}
