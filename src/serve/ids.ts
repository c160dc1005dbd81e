// Time-ordered unique ids in the UUID version 7 layout (RFC 9562): 48-bit milliseconds, then random.
// Time order keeps the prediction log's index append-mostly. Random bytes come from a pooled
// crypto buffer and hex from a lookup table: this runs once per prediction on the hot path.
import { randomFillSync } from "node:crypto";

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const pool = new Uint8Array(16 * 1024);
let poolPos = pool.length;

export function uuidv7(now = Date.now()): string {
  if (poolPos + 10 > pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  const b = pool;
  const o = poolPos;
  poolPos += 10;
  // 48-bit big-endian milliseconds: the high 16 bits and the low 32 bits separately (no 64-bit ints).
  const hi = Math.floor(now / 0x100000000);
  const lo = now >>> 0;
  return (
    HEX[(hi >>> 8) & 0xff] +
    HEX[hi & 0xff] +
    HEX[lo >>> 24] +
    HEX[(lo >>> 16) & 0xff] +
    "-" +
    HEX[(lo >>> 8) & 0xff] +
    HEX[lo & 0xff] +
    "-" +
    HEX[(b[o] & 0x0f) | 0x70] +
    HEX[b[o + 1]] +
    "-" +
    HEX[(b[o + 2] & 0x3f) | 0x80] +
    HEX[b[o + 3]] +
    "-" +
    HEX[b[o + 4]] +
    HEX[b[o + 5]] +
    HEX[b[o + 6]] +
    HEX[b[o + 7]] +
    HEX[b[o + 8]] +
    HEX[b[o + 9]]
  );
}

const HEX_CODES = Buffer.from("0123456789abcdef", "latin1");
/** Scratch for uuidv7Many: ids are written as bytes here, then read back one flat string each. */
let scratch = Buffer.allocUnsafeSlow(36 * 64);

/**
 * `n` ids for one batch, all at time `now`: the same layout as uuidv7(). Each is read from bytes
 * as a flat string: uuidv7()'s concatenations leave a rope of ~20 pieces that every later use
 * (the journal's byte length, the answer's text) first has to flatten.
 */
export function uuidv7Many(n: number, now = Date.now()): string[] {
  const out: string[] = new Array(n);
  if (scratch.length < 36 * Math.min(n, 1024)) scratch = Buffer.allocUnsafeSlow(36 * Math.min(n, 1024));
  const s = scratch;
  const hi = Math.floor(now / 0x100000000);
  const lo = now >>> 0;
  const time = [(hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
  const per = Math.floor(s.length / 36);
  for (let i0 = 0; i0 < n; i0 += per) {
    const i1 = Math.min(n, i0 + per);
    for (let i = i0; i < i1; i++) {
      if (poolPos + 10 > pool.length) {
        randomFillSync(pool);
        poolPos = 0;
      }
      const o = poolPos;
      poolPos += 10;
      let at = (i - i0) * 36;
      for (let k = 0; k < 6; k++) {
        if (k === 4) s[at++] = 0x2d; // -
        at = hex2(s, at, time[k]);
      }
      s[at++] = 0x2d;
      at = hex2(s, at, (pool[o] & 0x0f) | 0x70); // version 7
      at = hex2(s, at, pool[o + 1]);
      s[at++] = 0x2d;
      at = hex2(s, at, (pool[o + 2] & 0x3f) | 0x80); // variant 10
      at = hex2(s, at, pool[o + 3]);
      s[at++] = 0x2d;
      for (let k = 4; k < 10; k++) at = hex2(s, at, pool[o + k]);
    }
    for (let i = i0; i < i1; i++) out[i] = s.toString("latin1", (i - i0) * 36, (i - i0) * 36 + 36);
  }
  return out;
}

function hex2(s: Buffer, at: number, v: number): number {
  s[at] = HEX_CODES[v >>> 4];
  s[at + 1] = HEX_CODES[v & 0x0f];
  return at + 2;
}
