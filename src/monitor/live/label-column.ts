// A string per slot of a ring (reading-ring.ts, the monitor's labelled window) without keeping a
// string per slot when it is one of our reading ids: an id (UUIDv7, 36 ASCII characters) is kept as
// its bytes. Why: the fleet board keeps each machine's last 100 reading ids and the monitor its
// window's; each id string lived just long enough to be promoted to V8's old generation and die
// there, the largest part of a batch-serving server's old-generation garbage (a sampling heap
// profile of 1,000-reading batches: 30 of 103 MB) and so of its RSS between full collections.
// Anything else (a machine id: those are interned by the scanner, pipeline/json-bytes.ts) is kept
// as it is. Strings are made again only when read (a page, a label).

/** An id's length: what is kept as bytes; and in 32-bit words. */
const ID_BYTES = 36;
export const ID_WORDS = ID_BYTES / 4;

export class LabelColumn {
  private readonly bytes: Uint8Array;
  /** The same memory as 32-bit words: an id given as words is copied 9 at a time. */
  private readonly words: Uint32Array;
  /** Per slot: the string, or null when its bytes hold it. */
  private readonly text: (string | null)[];

  constructor(readonly capacity: number) {
    this.bytes = new Uint8Array(capacity * ID_BYTES);
    this.words = new Uint32Array(this.bytes.buffer);
    this.text = new Array<string | null>(capacity).fill("");
  }

  /**
   * Slot `s` holds `v`. `words` (from word `at`): v's ASCII as 32-bit words, when the caller has it
   * (a scored group's ids), copied as it is: ~30 µs a 1,000-reading batch against ~250 read from
   * the strings a character at a time (measured, 24 machines' columns).
   */
  set(s: number, v: string, words?: Uint32Array, at = 0): void {
    if (words) {
      const w = this.words;
      const o = s * ID_WORDS;
      for (let i = 0; i < ID_WORDS; i++) w[o + i] = words[at + i];
      this.text[s] = null;
      return;
    }
    if (v.length === ID_BYTES) {
      const o = s * ID_BYTES;
      let i = 0;
      for (; i < ID_BYTES; i++) {
        const c = v.charCodeAt(i);
        if (c > 0x7f) break;
        this.bytes[o + i] = c;
      }
      if (i === ID_BYTES) {
        this.text[s] = null;
        return;
      }
    }
    this.text[s] = v;
  }

  get(s: number): string {
    const t = this.text[s];
    if (t !== null) return t;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + s * ID_BYTES, ID_BYTES).toString("latin1");
  }
}
