// The last N scored readings, one row each in one typed array, overwritten in place: the board
// keeps one per machine, the monitor one for the fleet. Why not an object per reading: each one
// lived just long enough (a machine's next 100 readings) to be promoted to V8's old generation and
// die there, and at 64 connections the major collections that swept them cost more CPU than
// building the features (profiled, BENCHMARKS.md "Serving one reading with history"). A typed array
// makes no garbage. Readers build objects on demand: a page of the board, a monitor report every
// 10 s. The ids are kept as bytes (label-column.ts), for the same reason.
import type { ReadingGroup } from "../../store/history/types.js";
import { ID_WORDS, LabelColumn } from "./label-column.js";

/** Where a slot's row keeps its time, predictedAt and probability; the values follow, then the heads. */
const TIME = 0;
const PREDICTED_AT = 1;
const PROBABILITY = 2;
const VALUES = 3;

/** A scored group's heads: the names, and per name its probabilities (null: that head gave none). */
type HeadColumns = Pick<ReadingGroup, "headNames" | "heads">;

export class ReadingRing {
  /** Per slot: the reading's id (board) or machine (monitor): `label(slot)`. */
  private readonly labels: LabelColumn;
  /**
   * One row per slot: time, predictedAt, the failure probability the reading was scored with, the
   * `width` values in contract order, then one value per head (NaN where missing, or where the head
   * did not exist yet). One array, not a column per field: the board keeps a ring per machine, each
   * push finds its ring cold, and a column per field (nine at six heads) cost a cache miss each: a
   * third of a push's samples were the heads' columns alone (profiled at 64 connections, 384 machines).
   */
  private rows: Float64Array;
  private stride: number;
  private readonly headNames: string[] = [];
  /** The head names `map` was worked out for, and per ring head its column there (headMap). */
  private mapFor: readonly string[] | null = null;
  private map = new Int32Array(0);
  private next = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    this.labels = new LabelColumn(capacity);
    this.stride = VALUES + width;
    this.rows = new Float64Array(capacity * this.stride);
  }

  /**
   * Keeps reading `i` of a group's columns in the oldest slot (once full); returns that slot.
   * `heads`: the group's head names and each one's column (null: that head gave none); a head the
   * ring has not seen gets its place in every row (NaN before), one the group lacks is NaN here.
   */
  push(
    label: string,
    time: number,
    predictedAt: number,
    probability: number,
    values: readonly Float64Array[],
    i: number,
    heads?: HeadColumns,
    /** The labels' ASCII, ID_WORDS words a reading (a group's idWords): copied, not read from the strings. */
    labelWords?: Uint32Array,
  ): number {
    const map = heads ? this.headMap(heads.headNames) : null; // first: it may widen the rows
    const s = this.next;
    this.next = s + 1 === this.capacity ? 0 : s + 1;
    if (this.size < this.capacity) this.size++;
    this.labels.set(s, label, labelWords, i * ID_WORDS);
    const rows = this.rows;
    const o = s * this.stride;
    rows[o + TIME] = time;
    rows[o + PREDICTED_AT] = predictedAt;
    rows[o + PROBABILITY] = probability;
    for (let j = 0; j < this.width; j++) {
      const c = values[j];
      rows[o + VALUES + j] = c === undefined ? Number.NaN : c[i];
    }
    const h0 = o + VALUES + this.width;
    for (let h = 0; h < this.headNames.length; h++) {
      const c = map && heads && map[h] >= 0 ? heads.heads[map[h]] : null;
      rows[h0 + h] = c ? c[i] : Number.NaN;
    }
    return s;
  }

  /**
   * Per head of the ring, its column in a group with these head names (-1: none), worked out once per
   * names array (a model's is the same array for every group it scores): a lookup by name per head
   * per reading was a sixth of telling a batch (profiled).
   */
  private headMap(names: readonly string[]): Int32Array {
    if (names !== this.mapFor) {
      const added = names.filter((k) => !this.headNames.includes(k));
      if (added.length > 0) this.widen(added);
      this.map = Int32Array.from(this.headNames, (k) => names.indexOf(k));
      this.mapFor = names;
    }
    return this.map;
  }

  /** Heads new to this ring get their place in every row, NaN in the rows before. */
  private widen(added: readonly string[]): void {
    const stride = this.stride + added.length;
    const rows = new Float64Array(this.capacity * stride).fill(Number.NaN);
    for (let t = 0; t < this.capacity; t++)
      rows.set(this.rows.subarray(t * this.stride, (t + 1) * this.stride), t * stride);
    this.rows = rows;
    this.stride = stride;
    this.headNames.push(...added);
  }

  /** Slot `s`'s reading's id (board) or machine (monitor). */
  label(s: number): string {
    return this.labels.get(s);
  }

  time(s: number): number {
    return this.rows[s * this.stride + TIME];
  }

  predictedAt(s: number): number {
    return this.rows[s * this.stride + PREDICTED_AT];
  }

  /** The failure probability slot `s`'s reading was scored with. */
  probability(s: number): number {
    return this.rows[s * this.stride + PROBABILITY];
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
    const o = s * this.stride + VALUES;
    for (let j = 0; j < this.width; j++) {
      const v = this.rows[o + j];
      out[j] = Number.isNaN(v) ? null : v;
    }
    return out;
  }

  headsAt(s: number): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    const o = s * this.stride + VALUES + this.width;
    for (let h = 0; h < this.headNames.length; h++) {
      const v = this.rows[o + h];
      out[this.headNames[h]] = Number.isNaN(v) ? null : v;
    }
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
    out.push({ machine: r.label(s), time: r.time(s), p: r.probability(s), values });
  }
  return out;
}
