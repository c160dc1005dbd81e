// Encoding of the SQLite log's journal rows (sqlite-journal.ts): the checks a record must pass before
// it is journalled, the group format (numbers in binary, strings as run-length columns), and the
// decoding back to table rows. Pure: no database here.
import { MillwrightError } from "../core/errors.js";
import type { PredictionRecord } from "./types.js";

/** Numbers per record in `nums` before the mode values: predicted_at, the five readings, probability, predicted (0/1). */
export const NUM_FIELDS = 8;

/**
 * A group of records as the thread receives and the journal stores it: the numbers in binary, the
 * strings as JSON text of columns (TextColumns). Each record has NUM_FIELDS + modeKeys.length
 * numbers: its mode probabilities are numbers too, unless its mode keys differ from the group's
 * (then its modes object is in `mo`). Formatting doubles as text is the costly part of JSON, and
 * most string columns repeat through a group (one request id, one model version), so they are
 * stored as runs: about 0.07 µs per record to encode, against 0.26 µs for one array entry per field.
 */
export interface JournalGroup {
  n: number;
  /** Native byte order: written and read by the same machine (the journal is emptied on every open). */
  nums: Float64Array;
  /**
   * Posted to the thread as an object (structured clone, done in C++ into memory outside the heap),
   * turned into JSON text there: a big group's text would be a V8 "large object" on the main
   * thread, freed only by a full collection, and under a burst of batches those piled up.
   */
  cols: TextColumns;
}

/** A journal row as stored: the group's text is JSON.stringify(cols). */
export interface StoredGroup {
  n: number;
  nums: Float64Array;
  text: string;
}

/** [value, count] pairs that expand to the column's values in order. */
type Runs = [string | null, number][];

export interface TextColumns {
  /** Mode keys of the numbers after NUM_FIELDS. */
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

function sameKeys(m: Record<string, unknown>, keys: string[]): boolean {
  let n = 0;
  for (const k in m) {
    if (k !== keys[n]) return false;
    n++;
  }
  return n === keys.length;
}

class RunWriter {
  readonly runs: Runs = [];
  push(v: string | null): void {
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last[0] === v) last[1]++;
    else this.runs.push([v, 1]);
  }
}

function expand(runs: Runs, n: number, field: string): (string | null)[] {
  const out: (string | null)[] = new Array(n);
  let i = 0;
  for (const [v, c] of runs) for (let j = 0; j < c; j++) out[i++] = v;
  if (i !== n) throw new Error(`journal group: column ${field} has ${i} values for ${n} records`);
  return out;
}

/** Packs checked records: one Float64Array (transferred to the thread, not copied) and string columns. */
export function encodeGroup(records: readonly PredictionRecord[]): JournalGroup {
  const n = records.length;
  const keys = n > 0 && records[0].modes ? Object.keys(records[0].modes) : [];
  const stride = NUM_FIELDS + keys.length;
  const nums = new Float64Array(n * stride);
  const ids: string[] = new Array(n);
  const [rq, mn, mv, ty, mi, mm, ts] = Array.from({ length: 7 }, () => new RunWriter());
  let mo: (Record<string, unknown> | null)[] | undefined;
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const x = r.reading;
    let k = i * stride;
    nums[k++] = r.predictedAt;
    nums[k++] = x.air_temperature;
    nums[k++] = x.process_temperature;
    nums[k++] = x.rotational_speed;
    nums[k++] = x.torque;
    nums[k++] = x.tool_wear;
    nums[k++] = r.failureProbability;
    nums[k++] = r.failurePredicted ? 1 : 0;
    const modes = (r.modes ?? {}) as Record<string, number | null>;
    if (sameKeys(modes, keys)) {
      // null and NaN both serialise as JSON null, so a null mode travels as NaN.
      for (let m = 0; m < keys.length; m++) nums[k + m] = modes[keys[m]] ?? Number.NaN;
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
  const cols: TextColumns = {
    k: keys,
    id: ids,
    rq: rq.runs,
    mn: mn.runs,
    mv: mv.runs,
    ty: ty.runs,
    mi: mi.runs,
    mm: mm.runs,
    ts: ts.runs,
  };
  if (mo) cols.mo = mo;
  return { n, nums, cols };
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
  const a = i * (NUM_FIELDS + keys.length);
  const own = d.mo?.[i];
  let modes: string;
  if (own) modes = JSON.stringify(own);
  else {
    modes = "{";
    for (let m = 0; m < keys.length; m++) {
      const v = nums[a + NUM_FIELDS + m];
      modes += `${m > 0 ? "," : ""}${keyText[m]}${Number.isFinite(v) ? String(v) : "null"}`;
    }
    modes += "}";
  }
  return [
    d.ids[i],
    cols[0][i],
    cols[1][i],
    cols[2][i],
    nums[a],
    cols[3][i],
    nums[a + 1],
    nums[a + 2],
    nums[a + 3],
    nums[a + 4],
    nums[a + 5],
    cols[4][i],
    cols[5][i],
    cols[6][i],
    nums[a + 6],
    nums[a + 7],
    modes,
  ];
}
