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
