// What a contract predicts: a failures log (events within a horizon) or a labels column (one row,
// one outcome). Checked with errors naming the key path; split from validate.ts to keep it short.
import { type Obj, configError, join, list, mapping, text } from "../core/yamlcheck.js";
import { type Names, needTime, optText, tableTime } from "./fields.js";
import { parseSpan } from "./spans.js";
import type { Contract, EventSpec, FailureSpec, RowFilter } from "./types.js";

export function failuresSpec(
  value: unknown,
  file: string,
  ctx: { time: Contract["time"]; machine: Contract["machine"]; events: EventSpec[] },
): FailureSpec | null {
  if (value === undefined || value === null) return null;
  const { time, machine, events } = ctx;
  const counter = needTime({ time }, file, "failures");
  const f = mapping(
    value,
    file,
    "failures",
    ["file", "time", "machine", "kind", "horizon", "resets", "where"],
    ["file", "time", "horizon"],
  );
  const resets = optText(f, "resets", file, "failures");
  if (resets !== null && !events.some((e) => e.name === resets && e.since))
    throw configError(
      file,
      "failures.resets",
      `'${resets}' is not an event table with since: true (known: ${
        events
          .filter((e) => e.since)
          .map((e) => e.name)
          .join(", ") || "none"
      })`,
    );
  const at = tableTime(f.time, file, "failures.time", time);
  return {
    file: text(f.file, file, "failures.file"),
    time: at.column,
    ...(at.clock ? { clock: at.clock } : {}),
    ...optionalWhere(rowFilter(f, file, "failures")),
    machine: optText(f, "machine", file, "failures") ?? machine?.column ?? null,
    kind: optText(f, "kind", file, "failures"),
    horizon: parseSpan(f.horizon, counter, file, "failures.horizon"),
    resets,
    kinds: null,
  };
}

export function labelsSpec(
  value: unknown,
  file: string,
  names: Names,
  hasFailures: boolean,
): Contract["labels"] {
  if (value === undefined || value === null) return null;
  if (hasFailures)
    throw configError(file, "labels", "give either failures (events) or labels (a column), not both");
  const l = mapping(value, file, "labels", ["column", "modes", "mode_column"], ["column"]);
  const modes =
    l.modes === undefined || l.modes === null
      ? []
      : Object.entries(mapping(l.modes, file, "labels.modes", Object.keys(l.modes as Obj))).map(
          ([column, n]) => ({
            column,
            name: names.add(n, `labels.modes.${column}`),
          }),
        );
  // mode_column: one column names the mode, and modes map its values (not columns) to heads.
  const modeColumn =
    l.mode_column === undefined || l.mode_column === null
      ? null
      : text(l.mode_column, file, "labels.mode_column");
  if (modeColumn !== null && modes.length === 0)
    throw configError(file, "labels.modes", "is needed with mode_column: which of its values is which head");
  return { column: text(l.column, file, "labels.column"), modes, modeColumn };
}

/** `{ where }` when given, else nothing: a contract without one serializes (model.json) as before. */
export const optionalWhere = (w: RowFilter | null): { where?: RowFilter } => (w ? { where: w } : {});

/**
 * An event table's (or the failures file's) `where: { column, in: [values] }`: only its rows whose
 * column holds one of the values count (a CMMS's CM and EMERG work orders are failures, its PMs are
 * not). Numbers are read as written (`in: [2, 3]` keeps priority 2 and 3).
 */
export function rowFilter(o: Obj, file: string, path: string): RowFilter | null {
  if (o.where === undefined || o.where === null) return null;
  const at = join(path, "where");
  const w = mapping(o.where, file, at, ["column", "in"], ["column", "in"]);
  const values = list(w.in, file, join(at, "in")).map((v, i) =>
    typeof v === "number" ? String(v) : text(v, file, join(join(at, "in"), i)).trim(),
  );
  return { column: text(w.column, file, join(at, "column")), in: values };
}
