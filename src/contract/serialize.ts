// A resolved contract as stored inside a model version: JSON without the parsed expressions (they
// are parsed again on load, by the same parser). File paths stay, resolved as at training, as the
// defaults `predict` and `evaluate` read events from (`--events NAME=FILE` replaces them).
import { MillwrightError } from "../core/errors.js";
import { parseExpr } from "../features/expr.js";
import { type Contract, DEFAULT_CSV, isNumeric } from "./types.js";

export function contractToJSON(c: Contract): object {
  return { ...c, derived: c.derived.map(({ ast: _ast, ...d }) => d) };
}

export function contractFromJSON(obj: unknown, source: string): Contract {
  const o = obj as Contract | null;
  if (
    !o ||
    typeof o !== "object" ||
    o.version !== 1 ||
    !Array.isArray(o.readings) ||
    !Array.isArray(o.derived)
  )
    throw new MillwrightError(
      "MW_MODEL_CORRUPT",
      `${source}: the stored data contract is missing or malformed`,
      {
        file: source,
      },
    );
  const names = new Set<string>([
    ...o.readings.filter(isNumeric).map((r) => r.name),
    ...(o.attributes?.columns ?? []).filter((a) => a.kind === "number").map((a) => a.name),
  ]);
  const derived = o.derived.map((d) => {
    const ast = parseExpr(d.expr, names);
    names.add(d.name);
    return { ...d, ast };
  });
  // Versions trained before the csv key read comma-separated files with a decimal point.
  // Older versions stored one telemetry path (or null).
  const telemetry =
    (o.telemetry as unknown) === null ? [] : typeof o.telemetry === "string" ? [o.telemetry] : o.telemetry;
  // Versions trained before `tasks:` existed have none: the planner then says so.
  // Versions trained before `training:` existed used the trainer's defaults; retraining keeps them.
  return {
    ...o,
    telemetry,
    csv: o.csv ?? DEFAULT_CSV,
    long: o.long ?? null, // versions trained before `long:` read wide files
    derived,
    tasks: o.tasks ?? null,
    training: o.training ?? null,
    monitor: o.monitor ?? null, // versions trained before `monitor:` test the fleet only
  };
}
