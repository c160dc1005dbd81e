// The pieces of the /v1/predict answer writer (contract/answer-json.ts): numbers as JSON.stringify writes them, and a
// batch's answer `{"predictions":[...]}` written a chunk of answers at a time into one Buffer (not one big
// string: that would be a V8 "large object", freed only by a full garbage collection, and at ~100
// batches a second those piled up to ~60 MB of RSS; a Buffer's memory is outside the heap). No I/O.

/** A finite number as JSON, anything else as null (JSON.stringify's way; a probability is always finite). */
export const jsonNumber = (v: number | null): string | number =>
  typeof v === "number" && Number.isFinite(v) ? v : "null";

/** Printable ASCII: JSON text never holds raw control characters (JSON.stringify escapes them). */
export const ASCII = /^[ -~]*$/;

/** About how many characters of answers are joined before they are copied into the Buffer. */
const CHUNK = 16 * 1024;

/**
 * `{"predictions":[` + answer 0 … answer n-1 + `]}`, the answers copied into the Buffer a chunk of
 * ~16 KB at a time. Not one big string: that would be a V8 "large object" (above). Not a copy per
 * answer either: each copy is a call into C++ that first flattens its string (1,000 answers of ~250
 * characters: 0.87 ms against 1.00 ms, measured side by side in one process). A chunk's strings die young:
 * with every answer kept until the end, a garbage collection during a 1,000-reading batch's answer
 * promoted them to V8's old generation, to die there (a sampling heap profile: ~30 KB a batch).
 * `ascii()`: every answer made so far is ASCII, so a chunk's bytes are its characters (copied as
 * latin1, no UTF-8 pass); once not, chunks are written as UTF-8 (the same bytes for ASCII).
 * The Buffer is sized from the first answer and doubled when a chunk would not fit.
 */
export function predictionsOf(n: number, answer: (i: number) => string, ascii: () => boolean): Buffer {
  const bytes = (a: string) => (ascii() ? a.length : Buffer.byteLength(a));
  let chunk = n > 0 ? answer(0) : "";
  let buf = Buffer.allocUnsafe(18 + Math.ceil(n * (bytes(chunk) + 1) * 1.25));
  let at = buf.write('{"predictions":[', 0, "latin1");
  const flush = () => {
    const size = bytes(chunk);
    if (at + size > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, at + size));
      buf.copy(bigger, 0, 0, at);
      buf = bigger;
    }
    at += buf.write(chunk, at, ascii() ? "latin1" : "utf8");
    chunk = "";
  };
  for (let i = 1; i < n; i++) {
    chunk += `,${answer(i)}`;
    if (chunk.length >= CHUNK) flush();
  }
  chunk += "]}";
  flush();
  return buf.subarray(0, at);
}
