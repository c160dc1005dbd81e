// The readings of another version of a registry, found from one version's folder (its siblings under
// versions/): what the history log's replay needs to read a reading logged by that version by name
// (pipeline/align-values.ts). Read from the version's model.json, the contract it was trained with
// (its contract.yaml is a copy for people: editing it changes nothing).
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { contractFromJSON } from "../contract/serialize.js";
import type { ReadingShape } from "../pipeline/align-values.js";

/**
 * Each model.json parsed once per process, by path and modification time (a version is not rewritten
 * once in place, but a registry may be made again under the same path): a long-served contract's log
 * names every version that scored it, and each swap or restart replays it.
 */
const READ = new Map<string, readonly ReadingShape[]>();

/**
 * `version` → its contract's readings, or null when `versionDir`'s registry has no such version (or
 * its model cannot be read): the caller then takes the values as they are, if they fit.
 */
export function siblingReadings(versionDir: string): (version: string) => readonly ReadingShape[] | null {
  const versions = dirname(versionDir);
  return (version) => {
    if (version.includes("/") || version.includes("\\") || version.startsWith(".")) return null;
    const file = join(versions, version, "model.json");
    try {
      const key = `${file}\u0000${statSync(file).mtimeMs}`;
      const known = READ.get(key);
      if (known) return known;
      const obj = JSON.parse(readFileSync(file, "utf8")) as { contract?: unknown };
      const readings = contractFromJSON(obj.contract, file).readings;
      READ.set(key, readings);
      return readings;
    } catch {
      return null;
    }
  };
}
