// Time-ordered unique ids in the UUID version 7 layout (RFC 9562): 48-bit milliseconds, then random.
// Time order keeps the prediction log's primary-key index append-mostly.
import { randomFillSync } from "node:crypto";

const pool = new Uint8Array(16 * 256);
let poolPos = pool.length;

export function uuidv7(now = Date.now()): string {
  if (poolPos >= pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  const b = pool.subarray(poolPos, poolPos + 16);
  poolPos += 16;
  const hex: string[] = new Array(16);
  let t = now;
  for (let i = 5; i >= 0; i--) {
    hex[i] = (t % 256).toString(16).padStart(2, "0");
    t = Math.floor(t / 256);
  }
  hex[6] = ((b[6] & 0x0f) | 0x70).toString(16).padStart(2, "0");
  hex[7] = b[7].toString(16).padStart(2, "0");
  hex[8] = ((b[8] & 0x3f) | 0x80).toString(16).padStart(2, "0");
  for (let i = 9; i < 16; i++) hex[i] = b[i].toString(16).padStart(2, "0");
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
