// Validation of readings sent over HTTP (a JSON object or array, the rows of an OIP tensor), read
// into ReadingColumns: precise, field-named errors, cheaper than a generic schema validator for the
// hot path, and strict on what JSON schema cannot say (finite numbers, physical ranges). The rules
// are those of the one table, READING_FIELDS in reading-rules.ts (the scanner of array bodies and the
// OpenAPI schema read the same table).
import { MillwrightError } from "../core/errors.js";
import { clip, isDateTime, short } from "../core/limits.js";
import { READING_FIELDS, type ReadingColumns } from "./reading-rules.js";

const ALLOWED = new Set<string>(READING_FIELDS.map((f) => f.name));
const N_RAW = READING_FIELDS.filter((f) => f.kind === "number").length;

function fail(path: string, message: string): never {
  throw new MillwrightError("MW_VALIDATION", `${path}: ${message}`, { field: path });
}

/** "L, M or H" */
const orList = (v: readonly string[]) => `${v.slice(0, -1).join(", ")} or ${v[v.length - 1]}`;

/** Empty columns for `n` readings, filled by readInto. */
function emptyColumns(n: number): ReadingColumns {
  const cols: ReadingColumns = {
    n,
    type: new Uint8Array(n),
    raw: new Float64Array(n * N_RAW),
    machineId: null,
    machineModel: null,
    timestamp: null,
  };
  return cols;
}

/** The column of an optional string field, made when a reading first has it. */
function stringColumn(c: ReadingColumns, name: string): (string | undefined)[] {
  if (name === "machine_id") return (c.machineId ??= new Array(c.n));
  if (name === "machine_model") return (c.machineModel ??= new Array(c.n));
  return (c.timestamp ??= new Array(c.n));
}

/** Checks reading `v` (named `path` in errors) and writes it as reading `i` of `c`. */
function readInto(c: ReadingColumns, i: number, v: unknown, path: string): void {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    fail(path, "must be an object with the reading's fields");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!ALLOWED.has(k)) fail(`${path}.${short(k)}`, "unknown field");
  let raw = i * N_RAW;
  for (const rule of READING_FIELDS) {
    const at = `${path}.${rule.name}`;
    const x = o[rule.name];
    switch (rule.kind) {
      case "type": {
        if (x === undefined) fail(at, `is required (${orList(rule.values)})`);
        const t = typeof x === "string" ? rule.values.indexOf(x as never) : -1;
        if (t < 0) fail(at, `${clip(x)} is not one of ${rule.values.join(", ")}`);
        c.type[i] = t;
        break;
      }
      case "number": {
        if (x === undefined) fail(at, `is required (${rule.unit})`);
        if (typeof x !== "number") fail(at, `must be a number, got ${typeof x}`);
        if (!Number.isFinite(x)) fail(at, "must be finite");
        if (x < rule.min || x > rule.max)
          fail(
            at,
            `${x} ${rule.unit} is physically impossible (allowed ${rule.min}–${rule.max} ${rule.unit})`,
          );
        c.raw[raw++] = x;
        break;
      }
      case "id": {
        if (x === undefined || x === null) break;
        if (typeof x !== "string" || x.length === 0 || x.length > rule.maxLength)
          fail(at, `must be a string of 1–${rule.maxLength} characters`);
        // Control characters (U+0000 above all: PostgreSQL text cannot hold it) are never part of an id.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
        if (/[\u0000-\u001f\u007f]/.test(x)) fail(at, "must not contain control characters");
        stringColumn(c, rule.name)[i] = x;
        break;
      }
      case "timestamp": {
        if (x === undefined || x === null) break;
        if (typeof x !== "string" || x.length > rule.maxLength || !isDateTime(x))
          fail(
            at,
            "must be an ISO 8601 / RFC 3339 date-time with seconds and an offset, e.g. 2026-11-27T08:00:00Z",
          );
        stringColumn(c, rule.name)[i] = x;
        break;
      }
    }
  }
}

/** Readings as columns; reading `i` is named `pathOf(i)` in errors. The caller checked the count. */
export function readingColumns(items: readonly unknown[], pathOf: (i: number) => string): ReadingColumns {
  const c = emptyColumns(items.length);
  for (let i = 0; i < items.length; i++) readInto(c, i, items[i], pathOf(i));
  return c;
}

/** One reading (object) or many (array): their columns, and whether the caller sent an array. */
export function parseReadings(body: unknown, maxBatch: number): { cols: ReadingColumns; batch: boolean } {
  if (Array.isArray(body)) {
    if (body.length === 0)
      throw new MillwrightError("MW_EMPTY_BATCH", "body: the array of readings is empty");
    if (body.length > maxBatch)
      throw new MillwrightError(
        "MW_BATCH_TOO_LARGE",
        `body: ${body.length} readings, the limit is ${maxBatch}`,
        {
          limit: maxBatch,
        },
      );
    return { cols: readingColumns(body, (i) => `body[${i}]`), batch: true };
  }
  if (body === undefined || body === null)
    throw new MillwrightError("MW_VALIDATION", "body: a reading object or an array of readings is required");
  return { cols: readingColumns([body], () => "body"), batch: false };
}
