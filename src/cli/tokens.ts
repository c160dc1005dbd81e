// The admin, feedback and hook tokens of a server started by `millwright up`: from the environment,
// else generated once into the data dir (mode 0600, never printed). Shared by both fleets' `up`.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MillwrightError } from "../core/errors.js";
import type { Config } from "../core/config.js";
import { writeFileAtomic } from "../registry/fsutil.js";

/** Fills cfg.tokens; returns the tokens file when one is used. */
export function ensureTokens(cfg: Config): string | null {
  const file = join(cfg.dataDir, "tokens.json");
  let saved: Record<string, string> = {};
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
    } catch (e) {
      throw new MillwrightError(
        "MW_CONFIG",
        `${file}: not a tokens file (${(e as Error).message}); delete it to have new tokens generated, or set MILLWRIGHT_ADMIN_TOKEN, MILLWRIGHT_FEEDBACK_TOKEN and MILLWRIGHT_HOOK_TOKEN`,
        { file },
      );
    }
  }
  let changed = false;
  for (const k of ["admin", "feedback", "hook"] as const) {
    if (cfg.tokens[k]) continue;
    if (typeof saved[k] !== "string" || !saved[k]) {
      saved[k] = randomBytes(24).toString("base64url");
      changed = true;
    }
    cfg.tokens[k] = saved[k];
  }
  if (changed) writeFileAtomic(file, `${JSON.stringify(saved, null, 2)}\n`, 0o600);
  return Object.keys(saved).length > 0 ? file : null;
}
