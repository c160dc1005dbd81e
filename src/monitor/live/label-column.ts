// A string per slot of a ring (reading-ring.ts, the monitor's labelled window) without keeping a
// string per slot when it is one of our reading ids: an id (UUIDv7, 36 ASCII characters) is kept as
// its bytes. Why: the fleet board keeps each machine's last 100 reading ids and the monitor its
// window's; each id string lived just long enough to be promoted to V8's old generation and die
// there, the largest part of a batch-serving server's old-generation garbage (a sampling heap
// profile of 1,000-reading batches: 30 of 103 MB) and so of its RSS between full collections.
// Anything else (a machine id: those are interned by the scanner, pipeline/json-bytes.ts) is kept
// as it is. Strings are made again only when read (a page, a label).

/** An id's length: what is kept as bytes. */
const WIDTH = 36;

export class LabelColumn {
  private readonly bytes: Uint8Array;
  /** Per slot: the string, or null when its bytes hold it. */
  private readonly text: (string | null)[];

  constructor(readonly capacity: number) {
    this.bytes = new Uint8Array(capacity * WIDTH);
    this.text = new Array<string | null>(capacity).fill("");
  }

  set(s: number, v: string): void {
    if (v.length === WIDTH) {
      const o = s * WIDTH;
      let i = 0;
      for (; i < WIDTH; i++) {
        const c = v.charCodeAt(i);
        if (c > 0x7f) break;
        this.bytes[o + i] = c;
      }
      if (i === WIDTH) {
        this.text[s] = null;
        return;
      }
    }
    this.text[s] = v;
  }

  get(s: number): string {
    const t = this.text[s];
    if (t !== null) return t;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + s * WIDTH, WIDTH).toString("latin1");
  }
}
