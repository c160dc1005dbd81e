// The README's pictures (docs/screenshots/*.png): the browser tests on the AI4I contract server take
// them (test/web/ai4i-contract-{pages,plan}.test.ts), into a temporary folder unless `npm run
// screenshots` sets MILLWRIGHT_SCREENSHOTS_DIR to refresh them on purpose; their content by hash
// proves a test run left the tracked pictures as they were.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repo root: two levels up from test/helpers (tsx), three from dist/test/helpers (compiled). */
function repoRoot(): string {
  for (const rel of ["../..", "../../.."]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(p, "web", "index.html"))) return p;
  }
  throw new Error("cannot find the repo's web/index.html from the test helper");
}

export const README_SHOTS = join(repoRoot(), "docs", "screenshots");

/** The README's pictures by content. */
export function readmeShots(): Record<string, string> {
  if (!existsSync(README_SHOTS)) return {};
  return Object.fromEntries(
    readdirSync(README_SHOTS)
      .filter((f) => f.endsWith(".png"))
      .map((f) => [
        f,
        createHash("sha256")
          .update(readFileSync(join(README_SHOTS, f)))
          .digest("hex"),
      ]),
  );
}

/** Where this run's screenshots go; `done()` removes a temporary folder (never the asked one). */
export function shotsFolder(): { dir: string; asked: boolean; done(): void } {
  const asked = process.env.MILLWRIGHT_SCREENSHOTS_DIR;
  const dir = asked ?? mkdtempSync(join(tmpdir(), "mw-shots-"));
  mkdirSync(dir, { recursive: true });
  return { dir, asked: !!asked, done: () => void (asked || rmSync(dir, { recursive: true, force: true })) };
}
