// Path-aware checks for YAML files (the data contract, the planner's files): every error names the file and the key path
// (`techs.yaml: technicians[2].hours_per_shift: …`), and unknown keys are errors, because a typo
// such as `hour_per_shift` would otherwise silently fall back to a default.
import { parse } from "yaml";
import { MillwrightError } from "./errors.js";

export type Obj = Record<string, unknown>;

export function describe(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

export function configError(file: string, path: string, message: string): MillwrightError {
  const where = path ? `${file}: ${path}` : file;
  return new MillwrightError("MW_CONFIG", `${where}: ${message}`, { file, key: path || undefined });
}

export function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text);
  } catch (e) {
    // The parser's first line ends in ":" before its excerpt of the text: not the end of a sentence.
    const msg = (e instanceof Error ? e.message.split("\n")[0] : String(e)).replace(/:\s*$/, "");
    throw configError(file, "", `not valid YAML: ${msg}`);
  }
}

/** A mapping with only `allowed` keys; `required` keys must be present. */
export function mapping(
  v: unknown,
  file: string,
  path: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw configError(file, path, `must be a mapping, got ${describe(v)}`);
  }
  const o = v as Obj;
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      // `max: 50,5` in a { … } mapping is `max: 50` and a key `5`: a decimal comma, not a typo.
      const comma = /^\d+$/.test(k)
        ? ": a decimal comma in a number? YAML numbers take a dot (50.5, not 50,5; in { … } a comma ends the value)"
        : "";
      throw configError(file, join(path, k), `unknown key (expected one of ${allowed.join(", ")})${comma}`);
    }
  }
  for (const k of required) {
    if (o[k] === undefined || o[k] === null) throw configError(file, join(path, k), "is required");
  }
  return o;
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function list(v: unknown, file: string, path: string, nonEmpty = true): unknown[] {
  if (!Array.isArray(v)) throw configError(file, path, `must be a list, got ${describe(v)}`);
  if (nonEmpty && v.length === 0) throw configError(file, path, "must not be empty");
  return v;
}

export function text(v: unknown, file: string, path: string): string {
  if (typeof v !== "string" || v.trim() === "") {
    throw configError(file, path, `must be a non-empty string, got ${describe(v)}`);
  }
  return v.trim();
}

export function positive(v: unknown, file: string, path: string, max = Number.POSITIVE_INFINITY): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw configError(file, path, `must be a positive number, got ${describe(v)}`);
  }
  if (v > max) throw configError(file, path, `must be at most ${max}, got ${v}`);
  return v;
}

export function nonNegative(v: unknown, file: string, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw configError(file, path, `must be a number ≥ 0, got ${describe(v)}`);
  }
  return v;
}

export function fraction(v: unknown, file: string, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || v > 1) {
    throw configError(file, path, `must be a fraction in (0, 1], got ${describe(v)}`);
  }
  return v;
}
