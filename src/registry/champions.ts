// Every change of the champion alias, appended to DIR/champions.jsonl beside registry.json: who was
// champion before, who is now, how (first version, promotion, rollback) and why. `models rollback`
// reads it to find the previous champion: registry.json holds only the current one.
//
// Rollback undoes the newest promotion still standing: promotions push a version, rollbacks pop one,
// so two rollbacks after A → B → C give B, then A (not C again).
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";

export interface ChampionChange {
  at: string;
  action: "first" | "promote" | "rollback";
  from: string | null;
  to: string | null;
  reason: string | null;
}

export function trailPath(dir: string): string {
  return join(dir, "champions.jsonl");
}

/** The trail, oldest first; a line that does not parse (a torn last write) is skipped. */
export function readChampionTrail(dir: string): ChampionChange[] {
  const f = trailPath(dir);
  if (!existsSync(f)) return [];
  const out: ChampionChange[] = [];
  for (const line of readFileSync(f, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as ChampionChange);
    } catch {
      // a crash mid-append leaves at most the last line torn; the rest still stands
    }
  }
  return out;
}

/** Appends one change and fsyncs it (called under the registry lock). */
export function appendChampionChange(dir: string, c: ChampionChange): void {
  appendFileSync(trailPath(dir), `${JSON.stringify(c)}\n`);
  const fd = openSync(trailPath(dir), "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The champions still standing, oldest first, ending with `current` (registry.json's champion). */
export function championStack(trail: readonly ChampionChange[], current: string | null): string[] {
  let stack: string[] = [];
  for (const c of trail) {
    if (c.action === "rollback") {
      stack.pop();
      if (c.to !== null && stack[stack.length - 1] !== c.to) stack = [c.to];
      continue;
    }
    // A promotion from a champion the trail does not end with: registry.json was changed by hand.
    if (c.from !== null && stack[stack.length - 1] !== c.from) stack = [c.from];
    if (c.to !== null) stack.push(c.to);
  }
  if (current !== null && stack[stack.length - 1] !== current) stack.push(current);
  return stack;
}

/** The version a rollback returns to, or a clear error saying why there is none. */
export function rollbackTarget(dir: string, current: string | null): string {
  if (current === null)
    throw new MillwrightError("MW_MODEL_NOT_FOUND", `no champion in ${dir}: nothing to roll back`);
  const stack = championStack(readChampionTrail(dir), current);
  const previous = stack[stack.length - 2];
  if (previous === undefined)
    throw new MillwrightError(
      "MW_CONFLICT",
      `${trailPath(dir)} records no champion before ${current}: nothing to roll back to (promote a version by hand: millwright models promote VERSION)`,
      { champion: current },
    );
  return previous;
}

/** At most this many characters of reason: it is a note in a log, not a document. */
export const MAX_REASON = 500;

/** A reason as the CLI or API gave it: trimmed, null when empty. */
export function rollbackReason(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string")
    throw new MillwrightError("MW_BAD_INPUT", "reason: must be text", { field: "reason" });
  const r = v.trim();
  if (r.length > MAX_REASON)
    throw new MillwrightError("MW_BAD_INPUT", `reason: at most ${MAX_REASON} characters, got ${r.length}`, {
      field: "reason",
    });
  return r === "" ? null : r;
}
