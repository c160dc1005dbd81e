// The pieces of the /v1/predict answer writer (contract/answer-json.ts): numbers as JSON.stringify writes them, and a
// batch's answer `{"predictions":[...]}` written answer by answer into one Buffer (not one big
// string: that would be a V8 "large object", freed only by a full garbage collection, and at ~100
// batches a second those piled up to ~60 MB of RSS; a Buffer's memory is outside the heap). No I/O.

/** A finite number as JSON, anything else as null (JSON.stringify's way; a probability is always finite). */
export const jsonNumber = (v: number | null): string | number =>
  typeof v === "number" && Number.isFinite(v) ? v : "null";

/** Printable ASCII: JSON text never holds raw control characters (JSON.stringify escapes them). */
export const ASCII = /^[ -~]*$/;

/**
 * `{"predictions":[` + answer 0 … answer n-1 + `]}`, each answer written into the Buffer as soon as
 * it is made, so no string outlives its answer: with the parts kept until the end, a garbage collection during a 1,000-reading batch's answer promoted them to V8's old generation,
 * to die there (a sampling heap profile: ~30 KB a batch). `ascii()`: every answer written so far
 * (this one included) is ASCII, so its bytes are its characters (copied as latin1, no UTF-8 pass).
 * The Buffer is sized from the first answer and doubled when an answer would not fit.
 */
export function predictionsOf(n: number, answer: (i: number) => string, ascii: () => boolean): Buffer {
  const bytes = (a: string) => (ascii() ? a.length : Buffer.byteLength(a));
  const first = n > 0 ? answer(0) : "";
  let buf = Buffer.allocUnsafe(18 + Math.ceil(n * (bytes(first) + 1) * 1.25));
  let at = buf.write('{"predictions":[', 0, "latin1");
  for (let i = 0; i < n; i++) {
    const a = i === 0 ? first : answer(i);
    const size = bytes(a);
    if (at + size + 3 > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, at + size + 3));
      buf.copy(bigger, 0, 0, at);
      buf = bigger;
    }
    if (i > 0) buf[at++] = 0x2c; // ,
    at += ascii() ? buf.write(a, at, "latin1") : buf.write(a, at);
  }
  at += buf.write("]}", at, "latin1");
  return buf.subarray(0, at);
}
