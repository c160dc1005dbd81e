// A fast reader for the common shape of a /v1/predict batch: a JSON array of plain reading objects,
// read straight from the request bytes into columns (no JSON.parse, no object per reading). Pure.
//
// It is only ever a shortcut. It accepts exactly what JSON.parse followed by parseReadings
// (reading.ts) accepts and yields the same values, or it returns null and the caller takes that
// general path, which also writes every error message. So anything unusual (a string with an
// escape, a duplicate key, an unknown field, a value out of range, bad JSON, an empty or oversized
// array) costs nothing here but a return: test/serve/columnar.test.ts checks the equivalence
// on random and mutated bodies. Its fields and limits are read from the one rule table,
// READING_FIELDS in reading-rules.ts, as the parser's are.
import { isDateTime } from "../core/limits.js";
import { JsonBytes, KeyTable, STOP } from "../pipeline/json-bytes.js";
import { type FieldRule, READING_FIELDS, type ReadingColumns } from "./reading-rules.js";

type Rule<K extends FieldRule["kind"]> = Extract<FieldRule, { kind: K }>;
const rules = <K extends FieldRule["kind"]>(kind: K) =>
  READING_FIELDS.filter((f): f is Rule<K> => f.kind === kind);
const NUMBERS = rules("number");
const [TYPE] = rules("type");
const [ID, MODEL] = rules("id");
const [STAMP] = rules("timestamp");

const N_RAW = NUMBERS.length;
const MIN = NUMBERS.map((f) => f.min);
const MAX = NUMBERS.map((f) => f.max);

// Field numbers: 0–4 the raw features, then these (a bit each in a 32-bit mask of fields seen).
const F_TYPE = N_RAW;
const F_MACHINE_ID = N_RAW + 1;
const F_MACHINE_MODEL = N_RAW + 2;
const F_TIMESTAMP = N_RAW + 3;
const FIELD_RULES: readonly FieldRule[] = [...NUMBERS, TYPE, ID, MODEL, STAMP];
const KEYS = new KeyTable(FIELD_RULES.map((f) => f.name));
/** Bits of the required fields. */
const REQUIRED = FIELD_RULES.reduce((m, f, i) => (f.required ? m | (1 << i) : m), 0);
/** Longest text per string field, in characters (ids must also be non-empty). */
const MAX_LENGTH = FIELD_RULES.map((f) => ("maxLength" in f ? f.maxLength : 0));
/** PRODUCT_TYPES index by the type's one ASCII byte. */
const TYPE_OF_BYTE: Record<number, number> = Object.fromEntries(
  TYPE.values.map((t, i) => [t.charCodeAt(0), i]),
);

/** The columns of `body` (a UTF-8 JSON array of readings), or null: use the general path. */
export function scanReadings(body: Uint8Array, maxBatch: number): ReadingColumns | null {
  try {
    return new Scanner(body, maxBatch).run();
  } catch (e) {
    if (e === STOP) return null;
    throw e;
  }
}

/** The column's first n values (a reading without the field is a hole: undefined), or null. */
function cut<T>(col: T[] | null, n: number): T[] | null {
  return col === null ? null : col.slice(0, n);
}

class Scanner extends JsonBytes {
  private n = 0;
  private cap: number;
  private type: Uint8Array;
  private raw: Float64Array;
  private machineId: (string | undefined)[] | null = null;
  private machineModel: (string | undefined)[] | null = null;
  private timestamp: (string | undefined)[] | null = null;
  constructor(
    b: Uint8Array,
    private readonly maxBatch: number,
  ) {
    super(b);
    // A reading takes at least ~100 bytes; start there and grow if readings are smaller.
    this.cap = Math.max(1, Math.min(maxBatch, (b.length >> 6) + 1));
    this.type = new Uint8Array(this.cap);
    this.raw = new Float64Array(this.cap * N_RAW);
  }

  run(): ReadingColumns {
    this.array(this.maxBatch, () => this.reading());
    const n = this.n;
    return {
      n,
      type: this.type.subarray(0, n),
      raw: this.raw.subarray(0, n * N_RAW),
      machineId: cut(this.machineId, n),
      machineModel: cut(this.machineModel, n),
      timestamp: cut(this.timestamp, n),
    };
  }

  private reading(): void {
    if (this.n === this.cap) this.grow();
    const i = this.n;
    this.expect(0x7b); // {
    this.ws();
    let seen = 0;
    if (this.peek() !== 0x7d) {
      for (;;) {
        this.expect(0x22);
        const f = this.key(KEYS);
        if (seen & (1 << f)) throw STOP; // duplicate key: JSON.parse keeps the last; leave it to it
        seen |= 1 << f;
        this.ws();
        this.expect(0x3a); // :
        this.ws();
        this.value(f, i);
        this.ws();
        const c = this.next();
        if (c === 0x7d) break; // }
        if (c !== 0x2c) throw STOP;
        this.ws();
      }
    } else this.at++;
    if ((seen & REQUIRED) !== REQUIRED) throw STOP;
    this.n++;
  }

  private value(f: number, i: number): void {
    if (f < N_RAW) {
      const x = this.number();
      if (!(x >= MIN[f] && x <= MAX[f])) throw STOP; // also NaN, ±Infinity
      this.raw[i * N_RAW + f] = x;
      return;
    }
    if (f === F_TYPE) {
      this.expect(0x22);
      this.string();
      if (this.s1 - this.s0 !== 1) throw STOP;
      const t = TYPE_OF_BYTE[this.b[this.s0]] ?? -1;
      if (t < 0) throw STOP;
      this.type[i] = t;
      return;
    }
    // Optional strings: null is the same as absent.
    if (this.peek() === 0x6e) {
      this.literal("null");
      return;
    }
    this.expect(0x22);
    this.string();
    // Bounded by its byte length BEFORE it becomes a string: a 15 MB id built a character at a time
    // took seconds and ~500 MB. A string has at most as many UTF-16 units as UTF-8 bytes, so a long
    // one that would still pass goes the general way, which answers it the same.
    if (this.s1 - this.s0 > MAX_LENGTH[f]) throw STOP;
    const s = this.text();
    if (f === F_TIMESTAMP) {
      if (!isDateTime(s)) throw STOP;
      (this.timestamp ??= [])[i] = s;
      return;
    }
    if (s.length === 0 || s.length > MAX_LENGTH[f]) throw STOP;
    for (let k = this.s0; k < this.s1; k++) if (this.b[k] === 0x7f) throw STOP; // DEL: a control character
    if (f === F_MACHINE_ID) (this.machineId ??= [])[i] = s;
    else if (f === F_MACHINE_MODEL) (this.machineModel ??= [])[i] = s;
  }

  private grow(): void {
    this.cap = Math.min(this.maxBatch, this.cap * 2);
    const type = new Uint8Array(this.cap);
    type.set(this.type);
    this.type = type;
    const raw = new Float64Array(this.cap * N_RAW);
    raw.set(this.raw);
    this.raw = raw;
  }
}
