// Millwright's own version, read once from package.json (works from src/ under tsx and from dist/).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function find(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, "package.json");
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  throw new Error("package.json not found");
}

export const PACKAGE_ROOT = dirname(find());
export const MILLWRIGHT_VERSION: string = (JSON.parse(readFileSync(find(), "utf8")) as { version: string })
  .version;

/**
 * The `millwright` command as package.json's bin names it (dist/src/cli/main.js): what a server
 * runs as a child to train a challenger (retrain/local.ts), found from the package rather than by
 * a path relative to the caller's own file, so the caller need not know where cli/ sits.
 */
export const MILLWRIGHT_BIN: string = join(
  PACKAGE_ROOT,
  (JSON.parse(readFileSync(find(), "utf8")) as { bin: { millwright: string } }).bin.millwright,
);
