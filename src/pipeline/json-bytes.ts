// The byte-level pieces of a fast JSON reader: whitespace, literals, keys matched against known
// names, strings without escapes and numbers rounded exactly as JSON.parse rounds them. The
// scanner of /v1/predict batches (scan-readings.ts here) is built on it. Each is only ever a shortcut: anything these pieces do not read (an escape, a
// long number or string, bad JSON) throws STOP and the caller takes the general path
// (JSON.parse and the usual checks), which answers it, errors included. Pure.

/** Thrown when the body is not the plain shape a scanner reads: take the general path. */
export class Stop extends Error {}
export const STOP = new Stop();

/** Exact powers of ten (10^22 is the largest a double holds exactly). */
const P10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** The largest mantissa another digit may join while it stays below 2^53 (every double up there is exact). */
const EXACT_BEFORE_DIGIT = Math.floor((2 ** 53 - 1 - 9) / 10);

/**
 * Short ASCII strings read before, by a hash of their bytes: machine ids and levels recur in every
 * batch, and one string each (not one per reading) is less garbage and hashes once for the Maps
 * they are looked up in. A slot holds the last string that hashed to it.
 */
const INTERN: (string | undefined)[] = new Array(1024);
const INTERN_MAX = 64;

/**
 * Names matched straight from the bytes. Matched in one pass against the names that start with the
 * key's first byte, instead of scanning the string and then comparing it (key reading was ~45 % of
 * the AI4I scanner's time). The same keys pass: a name holding no quote, backslash or control byte,
 * bytes equal to it followed by a quote are exactly that name; other names never match.
 */
export class KeyTable {
  private readonly bytes: Buffer[];
  private readonly byFirstByte: number[][];

  constructor(readonly names: readonly string[]) {
    this.bytes = names.map((f) => Buffer.from(f, "utf8"));
    const plain = (k: Buffer) => k.length > 0 && k.every((c) => c >= 0x20 && c !== 0x22 && c !== 0x5c);
    this.byFirstByte = Array.from({ length: 256 }, (_, c) =>
      names.flatMap((_f, f) => (plain(this.bytes[f]) && this.bytes[f][0] === c ? [f] : [])),
    );
  }

  /** The index of the name at `at` (just after the key's opening quote) and its closing quote, or -1. */
  match(b: Uint8Array, at: number): number {
    const candidates = this.byFirstByte[at < b.length ? b[at] : 0];
    for (let c = 0; c < candidates.length; c++) if (this.is(b, at, candidates[c])) return candidates[c];
    return -1;
  }

  /** Whether name `f` and its closing quote are at `at`. */
  is(b: Uint8Array, at: number, f: number): boolean {
    const k = this.bytes[f];
    const len = k.length;
    if (b[at + len] !== 0x22) return false;
    let j = 0;
    while (j < len && k[j] === b[at + j]) j++;
    return j === len;
  }

  /** The length in bytes of name `f`. */
  length(f: number): number {
    return this.bytes[f].length;
  }
}

export class JsonBytes {
  protected at = 0;
  /** Bounds of the last string scanned, and whether it has bytes above 0x7f. */
  protected s0 = 0;
  protected s1 = 0;
  protected wide = false;

  constructor(protected readonly bytes: Uint8Array) {}

  /**
   * A key (after its opening quote) of `keys`: its index, past its closing quote; STOP if none.
   * `guess`: the key expected here (readings of one batch mostly list their fields in one order),
   * tried first.
   */
  protected key(keys: KeyTable, guess = -1): number {
    const f = guess >= 0 && keys.is(this.bytes, this.at, guess) ? guess : keys.match(this.bytes, this.at);
    if (f < 0) throw STOP; // unknown field (or "__proto__" and friends): the general path names it
    this.at += keys.length(f) + 1;
    return f;
  }

  /** A string after its opening quote, without escapes (those go the general way). */
  protected string(): void {
    const b = this.bytes;
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

  /** The last string scanned, as JSON.parse gives it. */
  protected text(): string {
    const { bytes: b, s0, s1 } = this;
    const len = s1 - s0;
    if (this.wide) return Buffer.from(b.buffer, b.byteOffset + s0, len).toString("utf8");
    if (len === 1) return String.fromCharCode(b[s0]); // V8 keeps one-character strings: no allocation
    if (len > INTERN_MAX) return Buffer.from(b.buffer, b.byteOffset + s0, len).toString("latin1");
    let h = len;
    for (let k = s0; k < s1; k++) h = (Math.imul(h, 31) + b[k]) | 0;
    const slot = h & (INTERN.length - 1);
    const known = INTERN[slot];
    if (known !== undefined && known.length === len) {
      let k = 0;
      while (k < len && known.charCodeAt(k) === b[s0 + k]) k++;
      if (k === len) return known;
    }
    const s = Buffer.from(b.buffer, b.byteOffset + s0, len).toString("latin1");
    INTERN[slot] = s;
    return s;
  }

  /**
   * A JSON number, as JSON.parse reads it. With its digits a whole number below 2^53 and a decimal
   * exponent within ±22, the mantissa and the power of ten are both exact doubles, so one
   * multiplication or division rounds correctly (Clinger's fast path, what every strtod tries
   * first); anything longer is handed to Number() on its text.
   */
  protected number(): number {
    const b = this.bytes;
    const start = this.at;
    let k = start;
    let neg = false;
    if (b[k] === 0x2d) {
      neg = true;
      k++;
    }
    let m = 0;
    let slow = false; // more digits than a double holds exactly
    let exp = 0;
    let c = b[k];
    if (c === 0x30) {
      k++;
      c = b[k];
    } else if (c >= 0x31 && c <= 0x39) {
      do {
        if (m <= EXACT_BEFORE_DIGIT) m = m * 10 + (c - 0x30);
        else slow = true;
        c = b[++k];
      } while (c >= 0x30 && c <= 0x39);
    } else throw STOP;
    if (c === 0x2e) {
      c = b[++k];
      if (!(c >= 0x30 && c <= 0x39)) throw STOP;
      do {
        if (m <= EXACT_BEFORE_DIGIT) {
          m = m * 10 + (c - 0x30);
          exp--;
        } else slow = true;
        c = b[++k];
      } while (c >= 0x30 && c <= 0x39);
    }
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
      // Never a long text a character at a time: a number this long is unusual.
      if (k - start > 40) throw STOP;
      let s = "";
      for (let j = start; j < k; j++) s += String.fromCharCode(b[j]);
      return Number(s);
    }
    const v = m === 0 ? 0 : exp < 0 ? m / P10[-exp] : m * P10[exp];
    return neg ? -v : v;
  }

  protected literal(word: string): void {
    for (let j = 0; j < word.length; j++) if (this.bytes[this.at++] !== word.charCodeAt(j)) throw STOP;
  }

  protected ws(): void {
    const b = this.bytes;
    let c = b[this.at];
    if (c > 0x20) return; // the usual case (compact JSON): one comparison, not four
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.at];
  }

  protected peek(): number {
    return this.bytes[this.at];
  }

  protected next(): number {
    return this.bytes[this.at++];
  }

  protected expect(c: number): void {
    if (this.bytes[this.at++] !== c) throw STOP;
  }

  /**
   * The body: a JSON array of 1 to `max` items, each read by `item` (given its index), and nothing
   * after it but whitespace. Returns how many; an empty array goes the general way, which says so.
   */
  protected array(max: number, item: (i: number) => void): number {
    this.ws();
    this.expect(0x5b); // [
    this.ws();
    if (this.peek() === 0x5d) throw STOP;
    let n = 0;
    for (;;) {
      if (n >= max) throw STOP;
      item(n++);
      this.ws();
      const c = this.next();
      if (c === 0x5d) break; // ]
      if (c !== 0x2c) throw STOP;
      this.ws();
    }
    this.end();
    return n;
  }

  /** After the value: nothing but whitespace to the end. */
  protected end(): void {
    this.ws();
    if (this.at !== this.bytes.length) throw STOP;
  }
}
