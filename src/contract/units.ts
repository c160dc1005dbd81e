// A reading's columns in other units: a fleet of many makes writes one physical reading in °C on
// one controller and °F on another (in/s beside mm/s, kW beside a load %). A column entry
// `{ column: LUBE_OIL_F, unit: "°F" }` is converted into the reading's own unit as it is read, or
// by `scale`/`offset` where no unit converts (kW of one make's motor into its load %); `machines`
// limits it to those machines (two makes that write `OilTemp`, one in °F). Pure.
import { type Obj, configError, describe, join, list, mapping, text } from "../core/yamlcheck.js";
import type { ColumnConversion } from "./types.js";

/** Unit → [quantity, scale, offset] into that quantity's base unit (base = x × scale + offset). */
const UNITS: Record<string, [string, number, number]> = {
  "°C": ["temperature", 1, 0],
  "°F": ["temperature", 5 / 9, -160 / 9],
  K: ["temperature", 1, -273.15],
  "mm/s": ["velocity", 1, 0],
  "in/s": ["velocity", 25.4, 0],
  "m/s": ["velocity", 1000, 0],
  W: ["power", 1, 0],
  kW: ["power", 1000, 0],
  hp: ["power", 745.699872, 0],
  bar: ["pressure", 1, 0],
  psi: ["pressure", 0.0689475729, 0],
  kPa: ["pressure", 0.01, 0],
  MPa: ["pressure", 10, 0],
  mm: ["length", 1, 0],
  in: ["length", 25.4, 0],
  µm: ["length", 0.001, 0],
};

/**
 * `missing: [-9999, 9999]`: the numbers an export writes for "no value", compared with the cell as
 * written (before a unit conversion); null when not given.
 */
export function missingValues(o: Obj, file: string, path: string): number[] | null {
  if (o.missing === undefined || o.missing === null) return null;
  const at = join(path, "missing");
  const items = Array.isArray(o.missing) ? o.missing : [o.missing];
  if (items.length === 0) throw configError(file, at, "must not be empty");
  return items.map((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x))
      throw configError(
        file,
        Array.isArray(o.missing) ? join(at, i) : at,
        `must be a number as the file writes it (such as -9999), got ${describe(x)}`,
      );
    return x;
  });
}

/** The units a `unit:` conversion knows, for messages. */
export const KNOWN_UNITS = Object.keys(UNITS);

/** x in `from` → x × scale + offset in `to`; null when no known conversion joins them. */
export function unitConversion(from: string, to: string): { scale: number; offset: number } | null {
  const a = UNITS[from];
  const b = UNITS[to];
  if (!a || !b || a[0] !== b[0]) return null;
  return { scale: a[1] / b[1], offset: (a[2] - b[2]) / b[1] };
}

/**
 * One entry of a reading's `column` list written as a mapping: its name, and how its values turn
 * into the reading's unit. `first`: it is (or names) the reading's first name, which retraining
 * writes its values back under (already converted), so it may not convert.
 */
export function columnConversion(
  v: unknown,
  file: string,
  path: string,
  reading: { unit: string; first: boolean },
): ColumnConversion {
  const o: Obj = mapping(
    v,
    file,
    path,
    ["column", "unit", "scale", "offset", "machines", "missing"],
    ["column"],
  );
  const column = text(o.column, file, join(path, "column"));
  const num = (k: string) => {
    const x = o[k];
    if (x === undefined || x === null) return null;
    if (typeof x !== "number" || !Number.isFinite(x) || (k === "scale" && x === 0))
      throw configError(
        file,
        join(path, k),
        `must be a ${k === "scale" ? "non-zero " : ""}number, got ${describe(x)}`,
      );
    return x;
  };
  const scale = num("scale");
  const offset = num("offset");
  const unit = o.unit === undefined || o.unit === null ? null : text(o.unit, file, join(path, "unit"));
  if (unit !== null && (scale !== null || offset !== null))
    throw configError(file, path, "give unit, or scale and offset, not both");
  if (unit === null && scale === null && offset === null)
    throw configError(
      file,
      path,
      `give the column's unit (it is read into ${reading.unit || "the reading's unit"}), or scale and offset${
        o.missing !== undefined ? " (a column in the reading's own unit takes the reading's missing:)" : ""
      }`,
    );
  if (reading.first)
    throw configError(
      file,
      path,
      "the first column name is the one retraining writes the reading back under, in its own unit, so it cannot be converted: put a name in the reading's unit first (the reading's own name will do, even if no file has it)",
    );
  let conv = { scale: scale ?? 1, offset: offset ?? 0 };
  if (unit !== null) {
    const known = unitConversion(unit, reading.unit);
    if (!known)
      throw configError(
        file,
        join(path, "unit"),
        `no known conversion from '${unit}' to the reading's unit '${reading.unit}' (known: ${KNOWN_UNITS.join(", ")}); give scale and offset instead`,
      );
    conv = known;
  }
  const machines =
    o.machines === undefined || o.machines === null
      ? null
      : list(o.machines, file, join(path, "machines")).map((m, i) =>
          typeof m === "number" ? String(m) : text(m, file, join(join(path, "machines"), i)),
        );
  const missing = missingValues(o, file, path);
  return { column, unit, ...conv, machines, ...(missing ? { missing } : {}) };
}

/**
 * How to read a value of one reading from a file's column `own` for a machine: the conversion
 * that names the machine first, then one for every machine, else none (null).
 */
export function conversionFor(
  convert: readonly ColumnConversion[] | undefined,
  own: string,
  machine: string,
): ColumnConversion | null {
  if (!convert || convert.length === 0) return null;
  let any: ColumnConversion | null = null;
  for (const c of convert) {
    if (c.column !== own) continue;
    if (c.machines === null) any ??= c;
    else if (c.machines.includes(machine)) return c;
  }
  return any;
}

/** A conversion in words, for `check`: "'LUBE_OIL_F' from °F", "'Hauptantrieb_kW' × 0.90909", "… of R-01, R-02". */
export function describeConversion(c: ColumnConversion): string {
  const how =
    c.unit !== null
      ? `from ${c.unit}`
      : `× ${c.scale}${c.offset === 0 ? "" : ` ${c.offset < 0 ? "−" : "+"} ${Math.abs(c.offset)}`}`;
  return `'${c.column}'${c.machines ? ` of ${c.machines.join(", ")}` : ""} ${how}`;
}
