// `long:` of a contract: telemetry written one row per machine, time and tag (as historians export
// it). Pure: checks the mapping and resolves its defaults; `file` names the source in every message.
import { configError, join, list, mapping, text } from "../core/yamlcheck.js";
import { parseSpan } from "./spans.js";
import type { Contract } from "./types.js";

/** `long: { tag, value, every, hold, quality, split }`. */
export function longLayout(
  v: unknown,
  file: string,
  time: Contract["time"],
  machine: Contract["machine"],
): Contract["long"] {
  if (v === undefined || v === null) return null;
  const o = mapping(v, file, "long", ["tag", "value", "every", "hold", "quality", "split"], ["tag", "value"]);
  const tag = text(o.tag, file, "long.tag");
  const value = text(o.value, file, "long.value");
  if (tag === value) throw configError(file, "long.value", `must be another column than long.tag ('${tag}')`);
  const quality = qualityOf(o.quality, file);
  // `split: "."`: a historian's tag names the machine first (CNC07.SPINDLE.LOAD_PCT): the machine is
  // the text before the first split, the tag the readings name the rest; machine.column is then the
  // tag column itself.
  const split = o.split === undefined || o.split === null ? null : text(o.split, file, "long.split");
  if (split !== null && machine?.column !== tag)
    throw configError(
      file,
      "long.split",
      `the machine is read from the tag column: give machine: { column: ${tag} } (it is ${machine ? `'${machine.column}'` : "absent"})`,
    );
  const taken: [string, string | undefined][] = [
    ["time.column", time?.column],
    ["machine.column", split === null ? machine?.column : undefined],
  ];
  for (const [key, col] of taken)
    for (const [k, mine] of [
      ["long.tag", tag],
      ["long.value", value],
      ["long.quality.column", quality?.column],
    ] as const)
      if (col !== undefined && col === mine) throw configError(file, k, `'${col}' is already ${key}`);
  if (quality && (quality.column === tag || quality.column === value))
    throw configError(file, "long.quality.column", `'${quality.column}' is already long.tag or long.value`);
  const counter = time?.counter === true;
  const every =
    o.every === undefined || o.every === null ? null : parseSpan(o.every, counter, file, "long.every");
  const hold = o.hold === undefined || o.hold === null ? null : parseSpan(o.hold, counter, file, "long.hold");
  // A held value fills buckets; without buckets every row is its own instant and there is nothing
  // to fill (a machine's tags must then share times).
  if (hold && !every)
    throw configError(file, "long.hold", "needs long.every (the buckets a held value fills)");
  return { tag, value, every, hold, quality, split };
}

/** `quality: { column, good: [...] }`: rows whose quality is not one of `good` are skipped. */
function qualityOf(v: unknown, file: string): { column: string; good: string[] } | null {
  if (v === undefined || v === null) return null;
  const o = mapping(v, file, "long.quality", ["column", "good"], ["column"]);
  const good =
    o.good === undefined
      ? ["Good"]
      : list(o.good, file, "long.quality.good").map((g, i) => text(g, file, join("long.quality.good", i)));
  return { column: text(o.column, file, "long.quality.column"), good };
}
