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
