// The contract's optional `monitor:` key. `drift_by: [make]` names machine-table attributes whose
// groups of machines (one per level: every make, every model) get a drift test of their own beside
// the fleet's: one make's sensor recalibrated is diluted in a fleet of 22 makes (trial G: one
// machine's stroke rate at 1.5× drifted the fleet's test in no window), and a maintenance engineer
// acts on "the Tsugami lathes' vibration drifted", not on a fleet average. Absent: the fleet's test
// only, as before. Pure: every message names the file and key path.
import { configError, describe, join, list, mapping, text } from "../core/yamlcheck.js";
import type { AttributeSpec, MonitorSpec } from "./types.js";

export function validateMonitor(
  v: unknown,
  file: string,
  attributes: readonly AttributeSpec[] | null,
): MonitorSpec | null {
  if (v === undefined || v === null) return null;
  const o = mapping(v, file, "monitor", ["drift_by"]);
  if (o.drift_by === undefined || o.drift_by === null) return null;
  const path = join("monitor", "drift_by");
  const given = Array.isArray(o.drift_by) ? list(o.drift_by, file, path) : [o.drift_by];
  if (!attributes)
    throw configError(file, path, "groups machines by the machine table: add attributes: { … } first");
  const known = attributes.map((a) => a.name);
  const driftBy = given.map((x, i) => {
    const at = Array.isArray(o.drift_by) ? join(path, i) : path;
    const name = text(x, file, at);
    const a = attributes.find((y) => y.name === name);
    if (!a)
      throw configError(
        file,
        at,
        `${describe(name)} is not an attribute of the machine table (known: ${known.join(", ")})`,
      );
    // A number (a year, an age) has no groups to speak of: every machine would be its own.
    if (a.kind !== "category")
      throw configError(file, at, `'${name}' is a number: drift is grouped by a category attribute's levels`);
    return name;
  });
  if (new Set(driftBy).size !== driftBy.length)
    throw configError(file, path, `names an attribute twice (${driftBy.join(", ")})`);
  return { driftBy };
}
