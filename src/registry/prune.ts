// `millwright models prune`: the registry grows by a full version (model, reference sample, training
// files: about 0.7 MB) with every retraining, kept or promoted, and nothing removed any (trial 8).
// Kept: the aliased versions, the champions a rollback can still return to, and the newest `keep`.
// A version is renamed out of versions/ first (one step: never half a version visible), then removed.
import { readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { championStack, readChampionTrail } from "./champions.js";
import { withLock } from "./lock.js";
import type { ModelRegistry } from "./registry.js";

export interface PruneResult {
  removed: { version: string; bytes: number }[];
  /** Each kept version and why: an alias, "rollback" (a standing earlier champion) or "newest". */
  kept: { version: string; why: string }[];
  bytes: number;
  dry_run: boolean;
}

function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((a, n) => a + sizeOf(join(path, n)), 0);
}

export async function pruneRegistry(reg: ModelRegistry, keep: number, dryRun: boolean): Promise<PruneResult> {
  if (!Number.isInteger(keep) || keep < 1)
    throw new MillwrightError("MW_BAD_INPUT", `--keep: must be a whole number ≥ 1, got ${keep}`, {
      field: "keep",
    });
  // Under the registry lock: a promotion or rollback in between cannot point at a version removed here.
  return withLock(join(reg.dir, ".registry.lock"), () => {
    const all = reg.versions();
    const { aliases } = reg.readIndex();
    const why = new Map<string, string>();
    for (const [alias, v] of Object.entries(aliases)) if (v) why.set(v, alias);
    // The standing champions, newest first: as many rollbacks as there are kept versions reach back,
    // and always the one the next rollback returns to (trial 10: --keep 1 removed it).
    const stack = championStack(readChampionTrail(reg.dir), aliases.champion).reverse();
    for (const v of stack.slice(0, Math.max(keep, 2))) if (!why.has(v)) why.set(v, "rollback");
    for (const v of all.slice(-keep)) if (!why.has(v)) why.set(v, "newest");
    const removed = all
      .filter((v) => !why.has(v))
      .map((version) => ({ version, bytes: sizeOf(reg.versionDir(version)) }));
    if (!dryRun)
      for (const r of removed) {
        const gone = join(reg.dir, "versions", `.pruned-${r.version}-${process.pid}`);
        renameSync(reg.versionDir(r.version), gone);
        rmSync(gone, { recursive: true, force: true });
      }
    return {
      removed,
      kept: all.filter((v) => why.has(v)).map((version) => ({ version, why: why.get(version) as string })),
      bytes: removed.reduce((a, r) => a + r.bytes, 0),
      dry_run: dryRun,
    };
  });
}
