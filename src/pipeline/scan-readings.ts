// A fast reader for the common shape of a /v1/predict batch on a data-contract model: a JSON array
// of plain reading objects, read straight from the request bytes into ReadingColumns (no JSON.parse,
// no object per reading). Pure.
//
// It holds no rule of its own: it reads each value's JSON and hands it to the contract's rule for
// that field (readingRules, the rules toColumns applies), so it takes exactly what toColumns takes,
// into the same columns. Anything else (a value a rule refuses, a missing or unknown field, a
// duplicate key, a string with an escape, bad JSON, an empty or oversized array) returns null and
// the caller takes the general path (JSON.parse, then toColumns), which reads it or writes the error
// naming the reading and field. test/pipeline/scan-readings.test.ts checks both give the same.
import type { Contract } from "../contract/types.js";
import { JsonBytes, KeyTable, STOP } from "./json-bytes.js";
import { type ReadingColumns, type ReadingRules, readingRules } from "./readings.js";

/** Longer strings go the general way (it answers them the same): none becomes a string here unread. */
const MAX_STRING_BYTES = 512;

const KEYS = new WeakMap<Contract, KeyTable>();

/** The columns of `body` (a UTF-8 JSON array of readings of contract `c`), or null: use the general path. */
export function scanReadings(c: Contract, body: Uint8Array, maxBatch: number): ReadingColumns | null {
  const rules = readingRules(c);
  let keys = KEYS.get(c);
  if (!keys) KEYS.set(c, (keys = new KeyTable(rules.fields)));
  try {
    return new Scanner(body, maxBatch, rules, keys).run();
  } catch (e) {
    if (e === STOP) return null;
    throw e;
  }
}

/** Field numbers: machine_id, then timestamp (a contract with a time), then the readings. */
const F_MACHINE = 0;
const F_TIME = 1;

class Scanner extends JsonBytes {
  private n = 0;
  private cap = 0;
  private machine: string[] = [];
  private time = new Float64Array(0);
  private values: Float64Array[];
  private later: Float64Array | null;
  private stamp: (string | number)[] | null;
  /** Per field, the reading (+1) it was last seen in: a key twice in one reading is left to JSON.parse. */
  private readonly seen: Int32Array;
  /** The fields in the order the last reading listed them: the next reading's likely order. */
  private readonly order: Int32Array;
  /** The field number of the contract's first reading. */
  private readonly r0: number;

  constructor(
    b: Uint8Array,
    private readonly maxBatch: number,
    private readonly rules: ReadingRules,
    private readonly keys: KeyTable,
  ) {
    super(b);
    this.r0 = rules.time ? 2 : 1;
    this.seen = new Int32Array(rules.fields.length);
    this.order = new Int32Array(rules.fields.length + 1).fill(-1);
    this.values = rules.values.map(() => new Float64Array(0));
    this.later = rules.later ? new Float64Array(0) : null;
    this.stamp = rules.written ? [] : null;
    this.grow(Math.min(maxBatch, 1024));
  }

  run(): ReadingColumns {
    this.n = this.array(this.maxBatch, (i) => {
      if (i === this.cap) this.grow(Math.min(this.maxBatch, this.cap * 2));
      this.reading(i);
    });
    const n = this.n;
    const cols: ReadingColumns = {
      n,
      machine: this.machine.length === n ? this.machine : this.machine.slice(0, n),
      time: this.time.subarray(0, n),
      values: this.values.map((v) => v.subarray(0, n)),
    };
    if (this.later) cols.later = this.later.subarray(0, n);
    if (this.stamp) cols.stamp = this.stamp.length === n ? this.stamp : this.stamp.slice(0, n);
    return cols;
  }

  private reading(i: number): void {
    this.expect(0x7b); // {
    this.ws();
    const mark = i + 1;
    let fields = 0;
    if (this.peek() === 0x7d) this.at++;
    else
      for (let at = 0; ; at++) {
        this.expect(0x22);
        const f = this.key(this.keys, this.order[at] ?? -1);
        this.order[at] = f;
        if (this.seen[f] === mark) throw STOP;
        this.seen[f] = mark;
        fields++;
        this.ws();
        this.expect(0x3a); // :
        this.ws();
        this.field(f, i, this.value());
        this.ws();
        const c = this.next();
        if (c === 0x7d) break; // }
        if (c !== 0x2c) throw STOP;
        this.ws();
      }
    // A field left out is what its rule says of undefined (a required one is refused).
    if (fields < this.seen.length)
      for (let f = 0; f < this.seen.length; f++) if (this.seen[f] !== mark) this.field(f, i, undefined);
    // No reading at all where every one is optional: toColumns names it.
    if (this.rules.needsAValue && this.noValue(i)) throw STOP;
    if (!this.rules.time) this.time[i] = i; // no time: the reading's place, as toColumns has it
  }

  /** Whether reading `i` has no value at all (a loop: `every` made a closure per reading). */
  private noValue(i: number): boolean {
    for (const v of this.values) if (!Number.isNaN(v[i])) return false;
    return true;
  }

  /** Field `f` of reading `i` is `v`, if its rule takes it. */
  private field(f: number, i: number, v: unknown): void {
    const rules = this.rules;
    if (f >= this.r0) {
      const x = rules.values[f - this.r0](v);
      if (typeof x === "string") throw STOP;
      this.values[f - this.r0][i] = x;
    } else if (f === F_MACHINE) {
      const id = rules.machineId(v);
      if (id === null) throw STOP;
      this.machine[i] = id;
    } else if (f === F_TIME && rules.time) {
      const t = rules.time(v);
      if (!Number.isFinite(t)) throw STOP;
      this.time[i] = t;
      if (this.later && rules.later) this.later[i] = rules.later(v as string | number);
      if (this.stamp) this.stamp[i] = v as string | number;
    }
  }

  /** A JSON scalar (an object or array inside a reading goes the general way). */
  private value(): unknown {
    const c = this.peek();
    if (c === 0x22) {
      this.at++;
      this.string();
      if (this.s1 - this.s0 > MAX_STRING_BYTES) throw STOP;
      return this.text();
    }
    if (c === 0x6e || c === 0x74 || c === 0x66) {
      const word = c === 0x6e ? "null" : c === 0x74 ? "true" : "false";
      this.literal(word);
      return word === "null" ? null : word === "true";
    }
    return this.number();
  }

  /** Room for `cap` readings: every column a view of one new array (one allocation, not one per column). */
  private grow(cap: number): void {
    const cols = [this.time, ...this.values, ...(this.later ? [this.later] : [])];
    const all = new Float64Array(cap * cols.length);
    const [time, ...rest] = cols.map((c, k) => {
      const x = all.subarray(k * cap, (k + 1) * cap);
      x.set(c);
      return x;
    });
    this.time = time;
    this.values = rest.slice(0, this.values.length);
    if (this.later) this.later = rest[this.values.length];
    this.cap = cap;
  }
}
