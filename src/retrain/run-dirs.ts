// A retraining's work folder (WORK/run-<run id>/: the telemetry, events and machine table it trains
// on) is removed when the run ends, but a process killed meanwhile (kill -9, a power cut) leaves it
// behind for good: trial 3 found a 520 KB run folder after two restarts and two later retrainings.
// The folder names its owner (owner.json: pid, host, start), and a server start and each retraining's
// start remove the folders no live retraining owns. Only folders named run-<uuid> are touched.
import { hostname } from "node:os";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** run-<uuid>: the folder retrainContract makes for a run (runs are named by randomUUID). */
export const RUN_DIR = /^run-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OWNER = "owner.json";
/**
 * A folder that names no owner is stale once this old: one of an older Millwright, or a process killed
 * between making the folder and writing its owner; never one being made now.
 */
export const UNOWNED_GRACE_MS = 10 * 60_000;
/** A folder owned on another host (a data folder shared over the network) is stale once this old. */
export const FOREIGN_MAX_AGE_MS = 7 * 24 * 3600_000;

interface Owner {
  pid: number;
  host: string;
  started_at: string;
}

/** The run folders this process is using now (resolved paths). */
const using = new Set<string>();

/** Makes a run's work folder and names this process its owner, until removeRunDir. */
export function makeRunDir(dir: string): void {
  using.add(resolve(dir));
  mkdirSync(dir, { recursive: true });
  const owner: Owner = { pid: process.pid, host: hostname(), started_at: new Date().toISOString() };
  writeFileSync(join(dir, OWNER), `${JSON.stringify(owner)}\n`);
}

/** Removes a run's work folder at its end. */
export function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } finally {
    using.delete(resolve(dir));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, another user's.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(dir: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(join(dir, OWNER), "utf8")) as Partial<Owner>;
    return typeof o.pid === "number" && typeof o.host === "string"
      ? { pid: o.pid, host: o.host, started_at: String(o.started_at ?? "") }
      : null;
  } catch {
    return null;
  }
}

/**
 * Why a run folder is stale, or null while a retraining may be using it. A folder of this process's
 * pid that it is not using was left by an earlier process of the same pid (a container restarts
 * with the same pid); one of another live pid on this host is in use (another server on the same
 * data folder); one of a dead pid is stale.
 */
function staleness(dir: string, now: number): string | null {
  if (using.has(resolve(dir))) return null;
  const owner = readOwner(dir);
  const age = now - statSync(dir).mtimeMs;
  if (!owner) return age >= UNOWNED_GRACE_MS ? "names no owner" : null;
  if (owner.host !== hostname())
    return age >= FOREIGN_MAX_AGE_MS ? `owned on ${owner.host}, over 7 days old` : null;
  if (owner.pid === process.pid) return `left by this process's pid ${owner.pid} before`;
  return alive(owner.pid) ? null : `its process ${owner.pid} is gone`;
}

/**
 * Removes `workDir`'s run folders that no live retraining owns (see staleness); returns each removed
 * folder's name with why. Anything else in `workDir`, and a folder it cannot judge, is left alone.
 */
export function removeStaleRunDirs(workDir: string, now = Date.now()): { name: string; why: string }[] {
  let names: string[];
  try {
    names = readdirSync(workDir);
  } catch {
    return []; // no work folder yet
  }
  const removed: { name: string; why: string }[] = [];
  for (const name of names) {
    if (!RUN_DIR.test(name)) continue;
    const dir = join(workDir, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
      const why = staleness(dir, now);
      if (why === null) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push({ name, why });
    } catch {
      // removed meanwhile, or not ours to read: left alone
    }
  }
  return removed;
}
