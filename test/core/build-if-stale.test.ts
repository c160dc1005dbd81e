// `npm start` must not recompile an up-to-date build (it cost 16 s of a 22 s start). The script is
// run on a tiny TypeScript project: built once, then left alone until a source changes, appears or
// goes away.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PACKAGE_ROOT } from "../../src/core/version.js";

const SCRIPT = join(PACKAGE_ROOT, "scripts", "build-if-stale.mjs");

function run(root: string, ...flags: string[]): string {
  const r = spawnSync(process.execPath, [SCRIPT, ...flags, root], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  return r.stderr;
}

test("npm start builds only when a source is newer than the build", () => {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  assert.match(pkg.scripts.start, /^node scripts\/build-if-stale\.mjs && /);
  assert.doesNotMatch(pkg.scripts.start, /npm run build|tsc/);

  const root = mkdtempSync(join(tmpdir(), "mw-build-"));
  try {
    mkdirSync(join(root, "src"));
    writeFileSync(
      join(root, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", outDir: "dist", rootDir: ".", strict: true },
        include: ["src/**/*.ts"],
      }),
    );
    writeFileSync(join(root, "src", "a.ts"), "export const a: number = 1;\n");
    writeFileSync(
      join(root, "package.json"),
      JSON.stringify({ name: "tiny", bin: { tiny: "dist/src/a.js" } }),
    );
    const out = join(root, "dist", "src", "a.js");
    assert.match(run(root), /no build stamp; compiling/);
    assert.ok(existsSync(out));
    const built = statSync(out).mtimeMs;
    assert.equal(statSync(out).mode & 0o111, 0o111, "the package's command is executable (npx runs it)");

    assert.match(run(root), /up to date/);
    assert.equal(statSync(out).mtimeMs, built, "an up-to-date build is not rewritten");

    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, "src", "a.ts"), later, later);
    assert.match(run(root), /src\/a\.ts changed; compiling/);
    assert.match(run(root), /up to date/);

    writeFileSync(join(root, "src", "b.ts"), "export const b = 2;\n");
    assert.match(run(root), /files added or removed; compiling/);
    assert.ok(existsSync(join(root, "dist", "src", "b.js")));

    rmSync(join(root, "src", "b.ts"));
    assert.match(run(root), /files added or removed; compiling/);
    assert.equal(existsSync(join(root, "dist", "src", "b.js")), false, "a stale build is a clean one");

    assert.equal(run(root, "--always"), "", "npm run build always builds, quietly");
    assert.match(run(root), /up to date/, "and leaves a stamp behind");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
