// Validation of readings sent over HTTP: precise, field-named errors, cheaper than a generic
// schema validator for the hot path, and strict on what JSON schema cannot say (finite numbers,
// physical ranges). The OpenAPI schema in schemas.ts documents the same rules.
import { MillwrightError } from "../core/errors.js";
import { clip, isDateTime, short, MAX_ID_LENGTH, MAX_TIMESTAMP_LENGTH } from "../core/limits.js";
import {
  PHYSICAL_LIMITS,
  PRODUCT_TYPES,
  type ProductType,
  RAW_FEATURES,
  type Reading,
} from "../data/schema.js";

const ALLOWED = new Set<string>(["type", ...RAW_FEATURES, "machine_id", "machine_model", "timestamp"]);

function fail(path: string, message: string): never {
  throw new MillwrightError("MW_VALIDATION", `${path}: ${message}`, { field: path });
}

export function parseReading(v: unknown, path: string): Reading {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    fail(path, "must be an object with the reading's fields");
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!ALLOWED.has(k)) fail(`${path}.${short(k)}`, "unknown field");
  const t = o.type;
  if (t === undefined) fail(`${path}.type`, "is required (L, M or H)");
  if (typeof t !== "string" || !PRODUCT_TYPES.includes(t as ProductType))
    fail(`${path}.type`, `${clip(t)} is not one of L, M, H`);
  const r = { type: t as ProductType } as Reading;
  for (const f of RAW_FEATURES) {
    const x = o[f];
    if (x === undefined) fail(`${path}.${f}`, `is required (${PHYSICAL_LIMITS[f].unit})`);
    if (typeof x !== "number") fail(`${path}.${f}`, `must be a number, got ${typeof x}`);
    if (!Number.isFinite(x)) fail(`${path}.${f}`, "must be finite");
    const lim = PHYSICAL_LIMITS[f];
    if (x < lim.min || x > lim.max)
      fail(
        `${path}.${f}`,
        `${x} ${lim.unit} is physically impossible (allowed ${lim.min}–${lim.max} ${lim.unit})`,
      );
    r[f] = x;
  }
  for (const k of ["machine_id", "machine_model"] as const) {
    const s = o[k];
    if (s === undefined || s === null) continue;
    if (typeof s !== "string" || s.length === 0 || s.length > MAX_ID_LENGTH)
      fail(`${path}.${k}`, `must be a string of 1–${MAX_ID_LENGTH} characters`);
    // Control characters (U+0000 above all: PostgreSQL text cannot hold it) are never part of an id.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting them is the point
    if (/[\u0000-\u001f\u007f]/.test(s)) fail(`${path}.${k}`, "must not contain control characters");
    r[k] = s;
  }
  const ts = o.timestamp;
  if (ts !== undefined && ts !== null) {
    if (typeof ts !== "string" || ts.length > MAX_TIMESTAMP_LENGTH || !isDateTime(ts))
      fail(
        `${path}.timestamp`,
        "must be an ISO 8601 / RFC 3339 date-time with seconds and an offset, e.g. 2026-11-27T08:00:00Z",
      );
    r.timestamp = ts;
  }
  return r;
}

/** One reading (object) or many (array): returns the readings and whether the caller sent an array. */
export function parseReadings(body: unknown, maxBatch: number): { readings: Reading[]; batch: boolean } {
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
    return { readings: body.map((r, i) => parseReading(r, `body[${i}]`)), batch: true };
  }
  if (body === undefined || body === null)
    throw new MillwrightError("MW_VALIDATION", "body: a reading object or an array of readings is required");
  return { readings: [parseReading(body, "body")], batch: false };
}
