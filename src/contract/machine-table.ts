// A machine's row of the contract's machine table as a client sends it (PUT /v1/machines/{id} on
// the contract server): checked by the attributes file's rules, coded as the model codes a file's
// row, and decoded back for people. Pure.
//
// The file's rules: any attribute may be missing (an empty cell; here null, "" or left out); a
// number attribute is a number; a category level the model never saw counts as missing, said in a
// warning (a make bought after training). One stricter rule, since a person types this row: a
// level outside the levels the contract itself lists (`levels:`, a closed list) is refused naming
// the attribute, where a file's would count as missing; levels the model learned from the data are
// an open list, and a new one is taken.
import { MillwrightError } from "../core/errors.js";
import { parseYaml } from "../core/yamlcheck.js";
import type { Contract, MachineAttributes } from "./types.js";
import { validateContract } from "./validate.js";

export type { AttributeValue, MachineAttributes } from "./types.js";

/** A level or id longer than this is no machine's (as the event kinds' limit). */
export const MAX_ATTRIBUTE_LENGTH = 200;

/**
 * The attributes whose levels the contract's own text lists (its stored contract.yaml): the model's
 * contract has every category's levels filled in from the training data, and only this says which
 * were the user's closed list. A text that no longer reads gives none (every list open).
 */
export function declaredLevels(text: string, file: string): Set<string> {
  try {
    const c = validateContract(parseYaml(text, file), file);
    return new Set((c.attributes?.columns ?? []).filter((a) => a.levels !== null).map((a) => a.name));
  } catch {
    return new Set();
  }
}

/** Named as the request's schema names a field (PUT /v1/machines/{id} sends `{attributes: {…}}`). */
const field = (name: string) => `body.attributes.${name}`;

function bad(name: string, why: string): MillwrightError {
  return new MillwrightError("MW_VALIDATION", `${field(name)}: ${why}`, { field: field(name) });
}

/**
 * Checks machine `id`'s attributes as given (by the contract's names) and returns them in contract
 * order, each a trimmed level, a number or null, with the file's warnings. Throws MW_VALIDATION
 * naming the attribute.
 */
export function checkMachineAttributes(
  c: Contract,
  declared: ReadonlySet<string>,
  id: string,
  given: Readonly<Record<string, unknown>>,
): { attributes: MachineAttributes; warnings: string[] } {
  const cols = c.attributes?.columns ?? [];
  for (const k of Object.keys(given))
    if (!cols.some((a) => a.name === k))
      throw bad(k, `not an attribute of contract '${c.name}' (${cols.map((a) => a.name).join(", ")})`);
  const attributes: MachineAttributes = {};
  const warnings: string[] = [];
  for (const a of cols) {
    const v = given[a.name];
    if (v === undefined || v === null || v === "") {
      attributes[a.name] = null;
      continue;
    }
    if (a.kind === "number") {
      if (typeof v !== "number" || !Number.isFinite(v)) throw bad(a.name, `must be a number (${a.words})`);
      attributes[a.name] = v;
      continue;
    }
    // A level written as a number (a year, a size class) is its digits, as a file's cell would be.
    if (typeof v !== "string" && typeof v !== "number") throw bad(a.name, "must be a level (a string)");
    const s = String(v).trim();
    if (s.length > MAX_ATTRIBUTE_LENGTH) throw bad(a.name, `at most ${MAX_ATTRIBUTE_LENGTH} characters`);
    const levels = a.levels ?? [];
    if (s !== "" && !levels.includes(s)) {
      if (declared.has(a.name))
        throw bad(a.name, `'${s}' is not one of the contract's levels (${levels.join(", ")})`);
      warnings.push(
        `machine '${id}': ${a.name} '${s}' is a level the model never saw; it counts as missing until a retraining learns it (the model knows ${listed(levels)})`,
      );
    }
    attributes[a.name] = s === "" ? null : s;
  }
  return { attributes, warnings };
}

const listed = (levels: readonly string[]) =>
  levels.length > 20 ? `${levels.slice(0, 20).join(", ")} and ${levels.length - 20} more` : levels.join(", ");

/** The attributes as the model reads them (contract order; a category's code, NaN where missing or unseen). */
export function codeAttributes(c: Contract, attrs: Readonly<MachineAttributes>): Float64Array {
  return Float64Array.from(c.attributes?.columns ?? [], (a) => {
    const v = attrs[a.name];
    if (v === null || v === undefined) return Number.NaN;
    if (a.kind === "number") return typeof v === "number" ? v : Number.NaN;
    const code = (a.levels ?? []).indexOf(String(v));
    return code < 0 ? Number.NaN : code;
  });
}

/** Coded attributes back by name: a category's level, a number, null where missing. */
export function decodeAttributes(c: Contract, codes: Float64Array): MachineAttributes {
  const out: MachineAttributes = {};
  (c.attributes?.columns ?? []).forEach((a, j) => {
    const x = codes[j];
    out[a.name] = Number.isNaN(x) ? null : a.kind === "category" ? (a.levels?.[x] ?? null) : x;
  });
  return out;
}

/** Equal attributes (contract order, values compared exactly). */
export function sameAttributes(c: Contract, a: Readonly<MachineAttributes>, b: Readonly<MachineAttributes>) {
  return (c.attributes?.columns ?? []).every((x) => (a[x.name] ?? null) === (b[x.name] ?? null));
}
