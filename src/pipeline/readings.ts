// Readings sent to the server, by the contract: `{machine_id, timestamp, <reading names>…}`, one
// object or many. They become columns once (the shape the CSV reader makes too) and every check
// names the reading's index and field. The JSON schema for the API docs and Fastify's first pass
// comes from the same contract (readingSchema), so the docs and the checks cannot disagree.
import { MillwrightError } from "../core/errors.js";
import { MAX_AHEAD_MS, MAX_ID_LENGTH } from "../core/limits.js";
import type { Contract } from "../contract/types.js";
import { COUNTER_WORDS, counterValue } from "../data/counter.js";
import { isEpoch, parserFor, timeWords } from "../data/time-format.js";

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
  /**
   * Each reading's `timestamp` as the client wrote it, which the answer echoes: every reading's for a
   * time written (not counted); on a contract without a time, those sent one anyway (a string or a
   * number; a hole elsewhere). Absent on a counter time: the count is `time`.
   */
  stamp?: (string | number | undefined)[];
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
          // An epoch contract also takes the count as a JSON number (rulesOf's timeText).
          type: isEpoch(c.time.format) ? ["string", "number"] : "string",
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
  // field "" is the reading itself: the body of a single reading, readings[i] of a batch.
  const where = i === null ? field || "body" : field ? `readings[${i}].${field}` : `readings[${i}]`;
  throw new MillwrightError("MW_VALIDATION", `${where}: ${msg}`, { field: where });
}

/**
 * The contract's rule for each field of one reading, said once: toColumns applies them to parsed
 * objects, and the byte scanner (scan-readings.ts) to each value it reads from a request's bytes,
 * so both take exactly the same values into the same columns (and the scanner leaves whatever a
 * rule refuses to toColumns, which names it). Built once per contract.
 */
export interface ReadingRules {
  /** Every field a reading may have: machine_id, timestamp (a contract with a time), the readings. */
  readonly fields: readonly string[];
  /** The machine's id (a whole number as its digits), or null: refused. */
  machineId(v: unknown): string | null;
  /** The reading's time (ms since the epoch, or the count), or NaN: refused; null: the contract has no time. */
  readonly time: ((v: unknown) => number) | null;
  /** The time is written (a string, kept in `stamp` for the answer), not counted. */
  readonly written: boolean;
  /** A `time.zone` contract: the second instant of a repeated local hour (NaN when not ambiguous); else null. */
  readonly later: ((t: string | number) => number) | null;
  /** Per contract reading: its column value (a level's code; NaN: missing, optional), or why `v` is refused. */
  readonly values: readonly ((v: unknown) => number | string)[];
  /**
   * Every reading is optional, so a reading must carry at least one of them: one with none (a bridge
   * that sent only machine_id and timestamp, trial 2) was scored on nothing and logged. With a
   * required reading the rule for that reading already refuses it.
   */
  readonly needsAValue: boolean;
}

/** Why a reading with none of the contract's readings is refused. */
export function noValueWords(c: Contract): string {
  return `carries none of the contract's readings (${c.readings.map((r) => r.name).join(", ")}): each is optional, but a reading must have at least one`;
}

const MACHINE_ID_WORDS = `must be a string of 1–${MAX_MACHINE_ID} characters or a whole number`;

function machineId(raw: unknown): string | null {
  const id = typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : raw;
  return typeof id === "string" && id.length > 0 && id.length <= MAX_MACHINE_ID ? id : null;
}

function valueRule(spec: Contract["readings"][number]): (v: unknown) => number | string {
  const missing = spec.optional ? Number.NaN : "is required";
  if (spec.kind === "category") {
    const levels = spec.levels ?? [];
    return (v) => {
      if (v === undefined || v === null) return missing;
      const code = typeof v === "string" ? levels.indexOf(v) : -1;
      return code < 0 ? `must be one of ${levels.join(", ")}` : code;
    };
  }
  const { min, max, unit } = spec;
  return (v) => {
    if (v === undefined || v === null) return missing;
    if (typeof v !== "number" || !Number.isFinite(v)) return "must be a number";
    if ((min !== null && v < min) || (max !== null && v > max))
      return `${v}${unit ? ` ${unit}` : ""} is outside ${min ?? "−∞"}–${max ?? "∞"}`;
    return v;
  };
}

const RULES = new WeakMap<Contract, ReadingRules & { known: Set<string> }>();
/** The contract's reading rules, built once: a single reading must not pay for them on every request. */
export function readingRules(c: Contract): ReadingRules {
  return rulesOf(c);
}

function rulesOf(c: Contract): ReadingRules & { known: Set<string> } {
  let r = RULES.get(c);
  if (!r) {
    const parseTime = parserFor(c.time);
    const counter = c.time?.counter === true;
    // An epoch contract's time may come as a JSON number too (a bridge posting what its PLC counts);
    // it is read as its digits would be, range check included.
    const epoch = isEpoch(c.time?.format);
    const timeText = (t: unknown): string | null =>
      typeof t === "string" ? (t.length <= 40 ? t : null) : epoch && typeof t === "number" ? String(t) : null;
    const fields = ["machine_id", ...(c.time ? ["timestamp"] : []), ...c.readings.map((x) => x.name)];
    r = {
      fields,
      // Messages list every name a reading may have, timestamp included even without a time.
      known: new Set(["machine_id", "timestamp", ...c.readings.map((x) => x.name)]),
      machineId,
      time: !c.time
        ? null
        : counter
          ? counterValue
          : (t) => {
              const s = timeText(t);
              return s === null ? Number.NaN : parseTime(s);
            },
      written: !!c.time && !counter,
      later: c.time?.zone && !counter ? (t) => parseTime.later(String(t)) : null,
      values: c.readings.map(valueRule),
      needsAValue: c.readings.every((x) => x.optional),
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
  const rules = rulesOf(c);
  const { known } = rules;
  const later = rules.later ? new Float64Array(n).fill(Number.NaN) : undefined;
  let stamp = rules.written ? new Array<string | number | undefined>(n) : undefined;
  for (let i = 0; i < n; i++) {
    const at = single ? null : i;
    const o = items[i];
    if (o === null || typeof o !== "object" || Array.isArray(o)) bad(at, "", "must be an object");
    const r = o as Record<string, unknown>;
    for (const k in r)
      if (!known.has(k))
        bad(at, k.slice(0, 64), `unknown field (the contract '${c.name}' reads ${[...known].join(", ")})`);
    const id = rules.machineId(r.machine_id);
    if (id === null) bad(at, "machine_id", r.machine_id == null ? "is required" : MACHINE_ID_WORDS);
    machine[i] = id;
    if (rules.time && c.time) {
      const t = r.timestamp;
      const v = rules.time(t);
      if (!Number.isFinite(v))
        bad(
          at,
          "timestamp",
          `${t == null ? "is required: " : ""}must be ${c.time.counter ? COUNTER_WORDS : timeWords(c.time)}`,
        );
      time[i] = v;
      if (later && rules.later) later[i] = rules.later(t as string | number);
      if (stamp) stamp[i] = t as string | number;
    } else {
      time[i] = i;
      const t = r.timestamp; // taken and echoed, though the contract has no time
      if (typeof t === "string" || typeof t === "number") (stamp ??= new Array(n))[i] = t;
    }
    let any = false;
    for (let j = 0; j < c.readings.length; j++) {
      const v = rules.values[j](r[c.readings[j].name]);
      if (typeof v === "string") bad(at, c.readings[j].name, v);
      values[j][i] = v;
      any ||= !Number.isNaN(v);
    }
    if (!any && rules.needsAValue) bad(at, "", noValueWords(c));
  }
  // Spread-free: the spreads of empty objects cost a single reading ~0.3 KB of garbage.
  const cols: ReadingColumns = { n, machine, time, values };
  if (later) cols.later = later;
  if (stamp) cols.stamp = stamp;
  return cols;
}
