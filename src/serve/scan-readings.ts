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
const FIELDS = FIELD_RULES.map((f) => f.name);
const FIELD_BYTES = FIELDS.map((f) => Buffer.from(f, "latin1"));
/** Bits of the required fields. */
const REQUIRED = FIELD_RULES.reduce((m, f, i) => (f.required ? m | (1 << i) : m), 0);
/** Longest text per string field, in characters (ids must also be non-empty). */
const MAX_LENGTH = FIELD_RULES.map((f) => ("maxLength" in f ? f.maxLength : 0));
/** Field numbers by the first byte of their name. */
const BY_FIRST_BYTE: number[][] = Array.from({ length: 256 }, (_, c) =>
  FIELDS.flatMap((_f, f) => (FIELD_BYTES[f][0] === c ? [f] : [])),
);

/** PRODUCT_TYPES index by the type's one ASCII byte. */
const TYPE_OF_BYTE: Record<number, number> = Object.fromEntries(
  TYPE.values.map((t, i) => [t.charCodeAt(0), i]),
);

/** Exact powers of ten (10^22 is the largest a double holds exactly). */
const P10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

class Stop extends Error {}
const STOP = new Stop();

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

class Scanner {
  private at = 0;
  private n = 0;
  private cap: number;
  private type: Uint8Array;
  private raw: Float64Array;
  private machineId: (string | undefined)[] | null = null;
  private machineModel: (string | undefined)[] | null = null;
  private timestamp: (string | undefined)[] | null = null;
  /** Bounds of the last string scanned, and whether it has bytes above 0x7f. */
  private s0 = 0;
  private s1 = 0;
  private wide = false;

  constructor(
    private readonly b: Uint8Array,
    private readonly maxBatch: number,
  ) {
    // A reading takes at least ~100 bytes; start there and grow if readings are smaller.
    this.cap = Math.max(1, Math.min(maxBatch, (b.length >> 6) + 1));
    this.type = new Uint8Array(this.cap);
    this.raw = new Float64Array(this.cap * N_RAW);
  }

  run(): ReadingColumns {
    this.ws();
    this.expect(0x5b); // [
    this.ws();
    if (this.peek() === 0x5d) throw STOP; // empty: the general path says so
    for (;;) {
      if (this.n >= this.maxBatch) throw STOP;
      this.reading();
      this.ws();
      const c = this.next();
      if (c === 0x5d) break; // ]
      if (c !== 0x2c) throw STOP;
      this.ws();
    }
    this.ws();
    if (this.at !== this.b.length) throw STOP;
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
        const f = this.key();
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

  /**
   * A key (after its opening quote): its field number. Matched in one pass against the fields that
   * start with its first byte, instead of scanning the string and then comparing it (key reading
   * was ~45 % of this reader's time). The same keys pass: no field name holds a quote, a backslash
   * or a control byte, so bytes equal to a name followed by a quote are exactly that name.
   */
  private key(): number {
    const b = this.b;
    const at = this.at;
    const candidates = BY_FIRST_BYTE[at < b.length ? b[at] : 0];
    for (let c = 0; c < candidates.length; c++) {
      const f = candidates[c];
      const k = FIELD_BYTES[f];
      const len = k.length;
      if (b[at + len] !== 0x22) continue;
      let j = 1;
      while (j < len && k[j] === b[at + j]) j++;
      if (j === len) {
        this.at = at + len + 1;
        return f;
      }
    }
    throw STOP; // unknown field (or "__proto__" and friends)
  }

  /** A string after its opening quote, without escapes (those go the general way). */
  private string(): void {
    const b = this.b;
    let k = this.at;
    this.s0 = k;
    let wide = false;
    for (;;) {
      if (k >= b.length) throw STOP;
      const c = b[k];
      if (c === 0x22) break;
      if (c === 0x5c || c < 0x20) throw STOP;
      if (c > 0x7f) wide = true;
      k++;
    }
    this.s1 = k;
    this.wide = wide;
    this.at = k + 1;
  }

  private text(): string {
    const { b, s0, s1 } = this;
    if (this.wide) return Buffer.from(b.buffer, b.byteOffset + s0, s1 - s0).toString("utf8");
    let s = "";
    for (let k = s0; k < s1; k++) s += String.fromCharCode(b[k]);
    return s;
  }

  /**
   * A JSON number, as JSON.parse reads it. Up to 15 significant digits and a decimal exponent
   * within ±22, the mantissa and the power of ten are both exact doubles, so one multiplication
   * or division rounds correctly (Clinger's fast path, what every strtod tries first); anything
   * longer is handed to Number() on its text.
   */
  private number(): number {
    const b = this.b;
    const start = this.at;
    let k = start;
    let neg = false;
    if (b[k] === 0x2d) {
      neg = true;
      k++;
    }
    let m = 0;
    let digits = 0; // significant digits in m
    let exp = 0;
    let c = b[k];
    if (c === 0x30) {
      k++;
      c = b[k];
    } else if (c >= 0x31 && c <= 0x39) {
      do {
        if (digits < 16) {
          m = m * 10 + (c - 0x30);
          if (m > 0) digits++;
        } else exp++;
        c = b[++k];
      } while (c >= 0x30 && c <= 0x39);
    } else throw STOP;
    if (c === 0x2e) {
      c = b[++k];
      if (!(c >= 0x30 && c <= 0x39)) throw STOP;
      do {
        if (digits < 16) {
          m = m * 10 + (c - 0x30);
          if (m > 0) digits++;
          exp--;
        }
        c = b[++k];
      } while (c >= 0x30 && c <= 0x39);
    }
    let slow = digits > 15;
    if (c === 0x65 || c === 0x45) {
      c = b[++k];
      let eneg = false;
      if (c === 0x2b || c === 0x2d) {
        eneg = c === 0x2d;
        c = b[++k];
      }
      if (!(c >= 0x30 && c <= 0x39)) throw STOP;
      let e = 0;
      do {
        if (e < 10_000) e = e * 10 + (c - 0x30);
        c = b[++k];
      } while (c >= 0x30 && c <= 0x39);
      exp += eneg ? -e : e;
    }
    this.at = k;
    if (!slow && m !== 0 && (exp < -22 || exp > 22)) slow = true;
    if (slow) {
      // Never a long text a character at a time (see value()): a number this long is unusual.
      if (k - start > 40) throw STOP;
      let s = "";
      for (let j = start; j < k; j++) s += String.fromCharCode(b[j]);
      return Number(s);
    }
    const v = m === 0 ? 0 : exp < 0 ? m / P10[-exp] : m * P10[exp];
    return neg ? -v : v;
  }

  private literal(word: string): void {
    for (let j = 0; j < word.length; j++) if (this.b[this.at++] !== word.charCodeAt(j)) throw STOP;
  }

  private ws(): void {
    const b = this.b;
    let c = b[this.at];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.at];
  }

  private peek(): number {
    return this.b[this.at];
  }

  private next(): number {
    return this.b[this.at++];
  }

  private expect(c: number): void {
    if (this.b[this.at++] !== c) throw STOP;
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
