// What a contract predicts: a failures log (events within a horizon) or a labels column (one row,
// one outcome). Checked with errors naming the key path; split from validate.ts to keep it short.
import { type Obj, configError, mapping, text } from "../core/yamlcheck.js";
import { type Names, needTime, optText, optionalWhere, rowFilter, tableTime } from "./fields.js";
import { parseSpan } from "./spans.js";
import type { Contract, EventSpec, FailureSpec } from "./types.js";

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
