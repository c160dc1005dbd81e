// Builds dist/ only when a source is newer than the last build, so `npm start` on an up-to-date
// checkout starts at once instead of spending ~16 s in tsc. Why not `tsc --incremental`: even with
// nothing to do it reads and hashes every file (seconds on 2 cores); comparing mtimes takes ms.
//
// The stamp (dist/.build-stamp.json) holds every input's modification time as it was when the build
// STARTED, so a file saved during a build, a new file or a deleted file all count as stale (and a
// clock set back does not hide a change, as a "newer than" test would). A stale build is a
// clean one (dist/ removed first), as `npm run build` does, so no output of a deleted source stays.
//
// Usage: node scripts/build-if-stale.mjs [--always] [ROOT]
//   --always: build even when up to date (`npm run build`, `npm test`), and write the stamp.
//   ROOT: the package root (default this package).
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const always = args.includes("--always");
const root = args.find((a) => !a.startsWith("--")) ?? HERE;
const STAMP = join(root, "dist", ".build-stamp.json");
// What tsc reads: the include folders of tsconfig.json and the config; the lock file stands for the
// installed packages, whose types can change the output.
const DIRS = ["src", "test", "bench", "scripts"];
const FILES = ["tsconfig.json", "package-lock.json"];

function inputs() {
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json)$/.test(e.name)) out.push(p);
    }
  };
  for (const d of DIRS) walk(join(root, d));
  for (const f of FILES) if (existsSync(join(root, f))) out.push(join(root, f));
  return out.sort();
}

/** Every input and its modification time, taken before tsc starts. */
function snapshot() {
  return Object.fromEntries(inputs().map((f) => [relative(root, f), statSync(f).mtimeMs]));
}

/** The reason to build, or null when dist/ is up to date. */
function staleReason() {
  if (!existsSync(STAMP)) return "no build stamp";
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, "utf8")).files;
  } catch {
    return "unreadable build stamp";
  }
  if (typeof stamp !== "object" || stamp === null) return "unreadable build stamp";
  const now = snapshot();
  const names = Object.keys(now);
  if (names.length !== Object.keys(stamp).length || names.some((n) => !(n in stamp)))
    return "files added or removed";
  const changed = names.find((n) => now[n] !== stamp[n]);
  return changed ? `${changed} changed` : null;
}

const reason = always ? "a build was asked for" : staleReason();
if (reason === null) {
  process.stderr.write("build: dist/ is up to date\n");
  process.exit(0);
}
if (!always) process.stderr.write(`build: ${reason}; compiling TypeScript…\n`);
const files = snapshot();
rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = createRequire(join(HERE, "package.json")).resolve("typescript/bin/tsc");
const res = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
if (res.status !== 0) process.exit(res.status ?? 1);
// tsc writes 0644 files; the package's commands must be executable, or `npx millwright` after a clean
// build fails with "Permission denied" (npm link sets the bit itself, npx in the repository does not).
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
for (const bin of Object.values(typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {})))
  if (existsSync(join(root, bin))) chmodSync(join(root, bin), 0o755);
writeFileSync(STAMP, `${JSON.stringify({ files })}\n`);
