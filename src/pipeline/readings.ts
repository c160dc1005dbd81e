// Readings sent to the server, by the contract: `{machine_id, timestamp, <reading names>…}`, one
// object or many. They become columns once (the shape the CSV reader makes too) and every check
// names the reading's index and field. The JSON schema for the API docs and Fastify's first pass
// comes from the same contract (readingSchema), so the docs and the checks cannot disagree.
import { MillwrightError } from "../core/errors.js";
import { MAX_AHEAD_MS, MAX_ID_LENGTH } from "../core/limits.js";
import type { Contract } from "../contract/types.js";
import { COUNTER_WORDS, counterValue } from "../data/counter.js";
import { parserFor, timeWords } from "../data/time-format.js";

/** The longest machine id a request may carry: the same bound as every route parameter. */
export const MAX_MACHINE_ID = MAX_ID_LENGTH;

export interface ReadingColumns {
  n: number;
  machine: string[];
  /** ms since the epoch, or the counter. */
  time: Float64Array;
  /** One column per contract reading (categories as level codes, missing = NaN). */
  values: Float64Array[];
  /**
   * A `time.zone` contract: a local time the clock shows twice (the hour repeated when clocks go
   * back) has `time` the first instant and this the second (NaN when not ambiguous), so the fleet
   * can read it in time order per machine as a file's rows are read (FleetHistory.check).
   */
  later?: Float64Array;
}

/** JSON schema of one reading, from the contract. */
export function readingSchema(c: Contract): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    // Exports often number their machines (machineID 1…100): a whole number is taken as its digits.
    machine_id: {
      oneOf: [
        { type: "string", minLength: 1, maxLength: MAX_MACHINE_ID },
        { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      ],
      description: "the machine's id (a whole number is read as its digits)",
    },
  };
  if (c.time)
    properties.timestamp = c.time.counter
      ? {
          type: "integer",
          description: `the counter (${c.time.column}), a whole number, after the machine's newest (else 409)`,
        }
      : {
          type: "string",
          maxLength: 40,
          // The contract's own time rules (toColumns reads them), not the AI4I API's RFC 3339.
          description: `${timeDescription(c)}; after the machine's newest reading (else 409, naming it), at most ${MAX_AHEAD_MS / 86_400_000} days ahead of the server's clock and the fleet's newest reading (else 400)`,
          examples: ["2026-03-06T06:00:00Z"],
        };
  for (const r of c.readings) {
    const desc = `${r.words}${r.unit ? ` (${r.unit})` : ""}${r.optional ? "; may be null or left out" : ""}${
      r.kind === "counter"
        ? "; a counter: its value as read, the model uses its rate since the machine's previous reading"
        : ""
    }`;
    properties[r.name] =
      r.kind === "category"
        ? {
            type: r.optional ? ["string", "null"] : "string",
            maxLength: 200,
            enum: r.levels ? [...r.levels, ...(r.optional ? [null] : [])] : undefined,
            description: desc,
          }
        : {
            type: r.optional ? ["number", "null"] : "number",
            ...(r.min !== null ? { minimum: r.min } : {}),
            ...(r.max !== null ? { maximum: r.max } : {}),
            description: desc,
          };
  }
  const required = [
    "machine_id",
    ...(c.time ? ["timestamp"] : []),
    ...c.readings.filter((r) => !r.optional).map((r) => r.name),
  ];
  return { type: "object", properties, required, additionalProperties: false };
}

/** What a reading's or event's `timestamp` may be, in the OpenAPI schema: as the contract's files write it. */
export function timeDescription(c: Contract): string {
  if (!c.time?.format && !c.time?.zone) return "ISO 8601 (no zone = UTC)";
  const zone = c.time.zone
    ? `; without an offset it is ${c.time.zone} wall-clock time, the hour the clocks repeat read in time order per machine`
    : "; no zone = UTC";
  return `${timeWords(c.time)}${zone}`;
}

function bad(i: number | null, field: string, msg: string): never {
  const where = i === null ? field : `readings[${i}].${field}`;
  throw new MillwrightError("MW_VALIDATION", `${where}: ${msg}`, { field: where });
}

/** Per contract, built once: a single reading must not pay for them on every request. */
const RULES = new WeakMap<Contract, { known: Set<string>; parseTime: ReturnType<typeof parserFor> }>();
function rulesOf(c: Contract) {
  let r = RULES.get(c);
  if (!r) {
    r = {
      known: new Set(["machine_id", "timestamp", ...c.readings.map((x) => x.name)]),
      parseTime: parserFor(c.time),
    };
    RULES.set(c, r);
  }
  return r;
}

/** Checks and converts readings; throws MW_VALIDATION naming the first bad index and field. */
export function toColumns(c: Contract, items: readonly unknown[], single: boolean): ReadingColumns {
  const n = items.length;
  const machine: string[] = new Array(n);
  const time = new Float64Array(n);
  const values = c.readings.map(() => new Float64Array(n));
  const { known, parseTime } = rulesOf(c);
  const later = c.time?.zone && !c.time.counter ? new Float64Array(n).fill(Number.NaN) : undefined;
  for (let i = 0; i < n; i++) {
    const at = single ? null : i;
    const o = items[i];
    if (o === null || typeof o !== "object" || Array.isArray(o)) bad(at, "", "must be an object");
    const r = o as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (!known.has(k))
        bad(at, k.slice(0, 64), `unknown field (the contract '${c.name}' reads ${[...known].join(", ")})`);
    const raw = r.machine_id;
    const id = typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
    if (typeof id !== "string" || id.length === 0 || id.length > MAX_MACHINE_ID)
      bad(at, "machine_id", `must be a string of 1–${MAX_MACHINE_ID} characters or a whole number`);
    machine[i] = id;
    if (c.time) {
      const t = r.timestamp;
      const v = c.time.counter
        ? counterValue(t)
        : typeof t === "string" && t.length <= 40
          ? parseTime(t)
          : Number.NaN;
      if (!Number.isFinite(v))
        bad(at, "timestamp", `must be ${c.time.counter ? COUNTER_WORDS : timeWords(c.time)}`);
      time[i] = v;
      if (later) later[i] = parseTime.later(t as string);
    } else time[i] = i;
    for (let j = 0; j < c.readings.length; j++) {
      const spec = c.readings[j];
      const v = r[spec.name];
      if (v === undefined || v === null) {
        if (!spec.optional) bad(at, spec.name, "is required");
        values[j][i] = Number.NaN;
      } else if (spec.kind === "category") {
        const code = typeof v === "string" ? (spec.levels ?? []).indexOf(v) : -1;
        if (code < 0) bad(at, spec.name, `must be one of ${(spec.levels ?? []).join(", ")}`);
        values[j][i] = code;
      } else {
        if (typeof v !== "number" || !Number.isFinite(v)) bad(at, spec.name, "must be a number");
        if ((spec.min !== null && v < spec.min) || (spec.max !== null && v > spec.max))
          bad(
            at,
            spec.name,
            `${v}${spec.unit ? ` ${spec.unit}` : ""} is outside ${spec.min ?? "−∞"}–${spec.max ?? "∞"}`,
          );
        values[j][i] = v;
      }
    }
  }
  return later ? { n, machine, time, values, later } : { n, machine, time, values };
}
