// Encoding of the SQLite log's journal rows (journal.ts): the checks a record must pass before
// it is journalled, the group format (numbers in binary, strings as run-length columns), and the
// decoding back to table rows. Pure: no database here.
import { MillwrightError } from "../../core/errors.js";
import { PRODUCT_TYPES } from "../../data/schema.js";
import { AT, hasKeys, packBatchRecord, packRecord, RAW_COUNT, recordWidth } from "../record-layout.js";
import type { PredictionBatch, PredictionRecord } from "../types.js";

/**
 * The journal format's version: the first byte of a row's text blob (before the JSON). A row with
 * none (its text starts with `{`, written before the format had a version, as a BLOB or as TEXT) is
 * format 1 and is read as it always was: same numbers, same text. A row with another byte was written
 * by a newer Millwright, and is refused with MW_STORE_FORMAT naming the version, not misread.
 */
export const JOURNAL_FORMAT = 2;
const BRACE = 0x7b; // "{": the first byte of a format-1 row's text

/**
 * A group of records as the thread receives and the journal stores it: ONE ArrayBuffer, transferred
 * to the writer thread (moved, not copied) and bound to the journal row's two columns as they are:
 * the numbers in binary (`numsBytes` bytes, native byte order: the journal is written and read by
 * the same machine and emptied on every open), then JOURNAL_FORMAT (one byte) and the UTF-8 JSON
 * text of the string columns (TextColumns; `textBytes` bytes with the version byte). Each record's numbers are laid out as record-layout.ts says: its mode
 * probabilities are numbers too, unless its mode keys differ from the group's (then its modes object
 * is in `mo`). Formatting doubles as text is the costly part of JSON, and most string columns repeat
 * through a group (one request id, one model version), so they are stored as runs.
 * Why one buffer: the thread then only binds two byte ranges and commits. A group posted as objects
 * (structured clone) had to be rebuilt and re-serialised on the thread, and that (with its garbage)
 * made the thread the bottleneck of 1,000-reading batches: ~115,000 records/s at best.
 */
export interface JournalGroup {
  n: number;
  buf: ArrayBuffer;
  numsBytes: number;
  textBytes: number;
}

/** A journal row as decoded: the numbers, and the text of the columns. */
export interface StoredGroup {
  n: number;
  nums: Float64Array;
  text: string;
}

/** [value, count] pairs that expand to the column's values in order. */
type Runs = [string | null, number][];

export interface TextColumns {
  /** Mode keys of the numbers from AT.modes. */
  k: string[];
  id: string[];
  rq: Runs;
  mn: Runs;
  mv: Runs;
  ty: Runs;
  mi: Runs;
  mm: Runs;
  ts: Runs;
  /** Per record: null (modes are in nums) or the modes object; omitted when every record is packed. */
  mo?: (Record<string, unknown> | null)[];
}

function bad(i: number, field: string, why: string): never {
  throw new MillwrightError("MW_BAD_INPUT", `prediction record ${i}: ${field} ${why}`, {
    field: `[${i}].${field}`,
  });
}

const isStr = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const optStr = (v: unknown) => v === undefined || v === null || typeof v === "string";

/** Throws MW_BAD_INPUT naming the record and field that the predictions table would refuse. */
export function checkRecords(records: readonly PredictionRecord[]): void {
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (typeof r !== "object" || r === null) bad(i, "record", "is not an object");
    if (!isStr(r.id)) bad(i, "id", "must be a non-empty string");
    if (!isStr(r.requestId)) bad(i, "requestId", "must be a non-empty string");
    if (!isStr(r.modelName)) bad(i, "modelName", "must be a non-empty string");
    if (!isStr(r.modelVersion)) bad(i, "modelVersion", "must be a non-empty string");
    if (!Number.isFinite(r.predictedAt)) bad(i, "predictedAt", "must be a finite number");
    if (!Number.isFinite(r.failureProbability)) bad(i, "failureProbability", "must be a finite number");
    if (typeof r.failurePredicted !== "boolean") bad(i, "failurePredicted", "must be a boolean");
    if (r.modes !== undefined && (typeof r.modes !== "object" || r.modes === null))
      bad(i, "modes", "must be an object");
    const x = r.reading;
    if (typeof x !== "object" || x === null) bad(i, "reading", "is missing");
    if (!isStr(x.type)) bad(i, "reading.type", "must be a non-empty string");
    if (!Number.isFinite(x.air_temperature)) bad(i, "reading.air_temperature", "must be a finite number");
    if (!Number.isFinite(x.process_temperature))
      bad(i, "reading.process_temperature", "must be a finite number");
    if (!Number.isFinite(x.rotational_speed)) bad(i, "reading.rotational_speed", "must be a finite number");
    if (!Number.isFinite(x.torque)) bad(i, "reading.torque", "must be a finite number");
    if (!Number.isFinite(x.tool_wear)) bad(i, "reading.tool_wear", "must be a finite number");
    if (!optStr(x.machine_id)) bad(i, "reading.machine_id", "must be a string");
    if (!optStr(x.machine_model)) bad(i, "reading.machine_model", "must be a string");
    if (!optStr(x.timestamp)) bad(i, "reading.timestamp", "must be a string");
  }
}

/** checkRecords for a columnar batch: what the table would refuse, named by record and field. */
export function checkBatch(b: PredictionBatch): void {
  const n = b.n;
  const k = b.modeKeys.length;
  if (!Number.isInteger(n) || n < 0) bad(0, "n", "must be a count");
  if (b.ids.length !== n || b.type.length !== n || b.raw.length !== n * RAW_COUNT)
    bad(0, "batch", "columns must have one value per record");
  if (b.failureProbability.length !== n || b.failurePredicted.length !== n || b.modes.length !== n * k)
    bad(0, "batch", "columns must have one value per record");
  if (!isStr(b.requestId)) bad(0, "requestId", "must be a non-empty string");
  if (!isStr(b.modelName)) bad(0, "modelName", "must be a non-empty string");
  if (!isStr(b.modelVersion)) bad(0, "modelVersion", "must be a non-empty string");
  if (!Number.isFinite(b.predictedAt)) bad(0, "predictedAt", "must be a finite number");
  const optional = [
    ["machine_id", b.machineId],
    ["machine_model", b.machineModel],
    ["timestamp", b.timestamp],
  ] as const;
  for (let i = 0; i < n; i++) {
    if (!isStr(b.ids[i])) bad(i, "id", "must be a non-empty string");
    if (b.type[i] >= PRODUCT_TYPES.length) bad(i, "reading.type", "must be L, M or H");
    if (!Number.isFinite(b.failureProbability[i])) bad(i, "failureProbability", "must be a finite number");
    for (let f = 0; f < RAW_COUNT; f++)
      if (!Number.isFinite(b.raw[i * RAW_COUNT + f])) bad(i, "reading", "values must be finite numbers");
    for (const [name, col] of optional)
      if (col && !optStr(col[i])) bad(i, `reading.${name}`, "must be a string");
  }
}

class RunWriter {
  readonly runs: Runs = [];
  push(v: string | null): void {
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last[0] === v) last[1]++;
    else this.runs.push([v, 1]);
  }
  pushRun(v: string | null, count: number): void {
    if (count > 0) this.runs.push([v, count]);
  }
}

function expand(runs: Runs, n: number, field: string): (string | null)[] {
  const out: (string | null)[] = new Array(n);
  let i = 0;
  for (const [v, c] of runs) for (let j = 0; j < c; j++) out[i++] = v;
  if (i !== n) throw new Error(`journal group: column ${field} has ${i} values for ${n} records`);
  return out;
}

/** The string columns of the JSON text, written one by one so no big string is ever built. */
const TEXT_RUNS = ["rq", "mn", "mv", "ty", "mi", "mm", "ts"] as const;

// A string is written into the text as is (quoted) unless JSON needs to escape it: quotes,
// backslashes, control characters, and lone surrogates (which UTF-8 cannot carry).
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Packs checked records into one transferable buffer (see JournalGroup). */
export function encodeGroup(records: readonly PredictionRecord[]): JournalGroup {
  const n = records.length;
  const keys = n > 0 && records[0].modes ? Object.keys(records[0].modes) : [];
  const runs = TEXT_RUNS.map(() => new RunWriter());
  const [rq, mn, mv, ty, mi, mm, ts] = runs;
  let mo: (Record<string, unknown> | null)[] | undefined;
  const ids: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const x = r.reading;
    const modes = (r.modes ?? {}) as Record<string, unknown>;
    if (hasKeys(modes, keys)) {
      if (mo) mo.push(null);
    } else {
      mo ??= new Array(i).fill(null);
      mo.push(modes);
    }
    ids[i] = r.id;
    rq.push(r.requestId);
    mn.push(r.modelName);
    mv.push(r.modelVersion);
    ty.push(x.type);
    mi.push(x.machine_id ?? null);
    mm.push(x.machine_model ?? null);
    ts.push(x.timestamp ?? null);
  }
  const stride = recordWidth(keys.length);
  return pack(n, keys, runs, mo, ids, (nums) => {
    // A record whose mode keys differ from the group's has zeros there: its modes are in the text.
    for (let i = 0; i < n; i++) packRecord(nums, i * stride, records[i], keys, !mo?.[i]);
  });
}

/** Packs a columnar batch: the same bytes as encodeGroup(batchRecords(b)), without the records. */
export function encodeBatch(b: PredictionBatch): JournalGroup {
  const n = b.n;
  const runs = TEXT_RUNS.map(() => new RunWriter());
  const [rq, mn, mv, ty, mi, mm, ts] = runs;
  rq.pushRun(b.requestId, n);
  mn.pushRun(b.modelName, n);
  mv.pushRun(b.modelVersion, n);
  for (let i = 0; i < n; i++) ty.push(PRODUCT_TYPES[b.type[i]]);
  for (const [w, col] of [
    [mi, b.machineId],
    [mm, b.machineModel],
    [ts, b.timestamp],
  ] as const) {
    if (col === null) w.pushRun(null, n);
    else for (let i = 0; i < n; i++) w.push(col[i] ?? null);
  }
  const keys = b.modeKeys;
  const stride = recordWidth(keys.length);
  return pack(n, keys, runs, undefined, b.ids, (nums) => {
    for (let i = 0; i < n; i++) packBatchRecord(nums, i * stride, b, i, keys.length, true);
  });
}

/**
 * Writes the group's buffer: the numbers (filled by `fill`, straight into the buffer), then the text
 * columns. The ids' text is measured exactly (quotes and comma included; an id that needs escaping
 * is stored escaped): the buffer lives until the writer thread's garbage collector frees it, so it
 * is not sized for the worst case.
 */
function pack(
  n: number,
  keys: string[],
  runs: RunWriter[],
  mo: (Record<string, unknown> | null)[] | undefined,
  ids: readonly string[],
  fill: (nums: Float64Array) => void,
): JournalGroup {
  const numsBytes = n * recordWidth(keys.length) * 8;
  // The ids' text in one piece when none needs escaping (the usual case: ours are UUIDs), one by
  // one otherwise.
  let idText: string | null = null;
  if (n === 0) idText = "";
  else if (!NEEDS_ESCAPE.test(ids.join(""))) idText = `"${ids.join('","')}"`;
  let escaped: string[] | null = null;
  let idBytes = 2;
  if (idText !== null) idBytes += Buffer.byteLength(idText);
  else
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (NEEDS_ESCAPE.test(id)) {
        escaped ??= new Array(n);
        escaped[i] = JSON.stringify(id);
        idBytes += Buffer.byteLength(escaped[i]) + 1;
      } else idBytes += Buffer.byteLength(id) + 3;
    }
  // Everything but the ids is small (runs, mode keys, the rare odd modes): one JSON text.
  let head = `{"k":${JSON.stringify(keys)}`;
  for (let c = 0; c < TEXT_RUNS.length; c++) head += `,"${TEXT_RUNS[c]}":${JSON.stringify(runs[c].runs)}`;
  if (mo) head += `,"mo":${JSON.stringify(mo)}`;
  head += ',"id":[';
  // allocUnsafeSlow: a buffer of its own (never a slice of the shared pool), so it can be transferred.
  const buf = Buffer.allocUnsafeSlow(numsBytes + 1 + Buffer.byteLength(head) + idBytes).buffer;
  fill(new Float64Array(buf, 0, numsBytes / 8));
  const out = Buffer.from(buf, numsBytes);
  out[0] = JOURNAL_FORMAT;
  let at = 1 + out.write(head, 1);
  if (idText !== null) at += out.write(idText, at);
  else
    for (let i = 0; i < n; i++) {
      if (i > 0) out[at++] = 0x2c; // ,
      const e = escaped?.[i];
      if (e !== undefined) at += out.write(e, at);
      else {
        out[at++] = 0x22; // "
        at += out.write(ids[i], at);
        out[at++] = 0x22;
      }
    }
  at += out.write("]}", at, "latin1");
  return { n, buf, numsBytes, textBytes: at };
}

/**
 * The stored form of a journal row (tests, and the journal's reads): its numbers, and its text
 * without the version byte. `seq` names the row in an error.
 */
export function storedGroup(
  n: number,
  nums: Uint8Array,
  text: Uint8Array | string,
  seq?: number,
): StoredGroup {
  // Copied into a fresh (aligned) buffer: a Float64Array view needs an 8-byte aligned offset.
  const aligned = new Float64Array(new Uint8Array(nums).buffer);
  // A row of format 1 written before the text was a blob is TEXT.
  if (typeof text === "string") return { n, nums: aligned, text };
  const bytes = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const version = bytes.length > 0 ? bytes[0] : -1;
  if (version === BRACE) return { n, nums: aligned, text: bytes.toString("utf8") }; // format 1
  if (version !== JOURNAL_FORMAT)
    throw new MillwrightError(
      "MW_STORE_FORMAT",
      `prediction_journal row ${seq ?? "?"}: journal format ${version} is not one this version reads (1 or ${JOURNAL_FORMAT}); it was written by another Millwright version: move it with that version (start and stop it), or remove the row`,
      { table: "prediction_journal", seq, format: version },
    );
  return { n, nums: aligned, text: bytes.toString("utf8", 1) };
}

type Row = (string | number | null)[];

/** A group decoded once, so moving it in several steps parses its text once. */
export interface DecodedGroup {
  n: number;
  nums: Float64Array;
  keys: string[];
  /** Mode keys as JSON object-key prefixes: `"twf":`, written once per group. */
  keyText: string[];
  ids: string[];
  cols: (string | null)[][];
  mo: (Record<string, unknown> | null)[] | undefined;
}

export function decodeGroup(g: StoredGroup): DecodedGroup {
  const c = JSON.parse(g.text) as TextColumns;
  if (c.id.length !== g.n) throw new Error(`journal group: ${c.id.length} ids for ${g.n} records`);
  return {
    n: g.n,
    nums: g.nums,
    keys: c.k,
    keyText: c.k.map((k) => `${JSON.stringify(k)}:`),
    ids: c.id,
    cols: (["rq", "mn", "mv", "ty", "mi", "mm", "ts"] as const).map((f) => expand(c[f], g.n, f)),
    mo: c.mo,
  };
}

/** Record `i`'s values in PREDICTION_COLUMNS order (modes as JSON text, as JSON.stringify(modes) writes it). */
export function rowValues(d: DecodedGroup, i: number): Row {
  const { nums, keys, keyText, cols } = d;
  const a = i * recordWidth(keys.length);
  const own = d.mo?.[i];
  let modes: string;
  if (own) modes = JSON.stringify(own);
  else {
    modes = "{";
    for (let m = 0; m < keys.length; m++) {
      const v = nums[a + AT.modes + m];
      modes += `${m > 0 ? "," : ""}${keyText[m]}${Number.isFinite(v) ? String(v) : "null"}`;
    }
    modes += "}";
  }
  const raw = a + AT.raw;
  return [
    d.ids[i],
    cols[0][i],
    cols[1][i],
    cols[2][i],
    nums[a + AT.predictedAt],
    cols[3][i],
    nums[raw],
    nums[raw + 1],
    nums[raw + 2],
    nums[raw + 3],
    nums[raw + 4],
    cols[4][i],
    cols[5][i],
    cols[6][i],
    nums[a + AT.failureProbability],
    nums[a + AT.failurePredicted],
    modes,
  ];
}
