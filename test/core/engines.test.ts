// `npm ci` on Node 20 must print nothing: no EBADENGINE (a locked package that needs a newer Node
// than package.json promises) and no install-scripts warning (every package with an install script
// is named in allowScripts). Checked from the lock file, so it runs offline in milliseconds; the real
// `npm ci` (about 2 minutes) was run by hand, see the notes of issue 17.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { PACKAGE_ROOT } from "../../src/core/version.js";

const semver = createRequire(join(PACKAGE_ROOT, "package.json"))("semver") as {
  satisfies(v: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

interface Lock {
  packages: Record<
    string,
    { version?: string; engines?: { node?: string } | string[]; hasInstallScript?: boolean }
  >;
}
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package-lock.json"), "utf8")) as Lock;

test("every locked package supports the oldest Node that package.json promises", () => {
  const oldest = semver.minVersion(pkg.engines.node)?.version;
  assert.ok(oldest?.startsWith("20."), `engines.node ${pkg.engines.node} starts at Node 20`);
  // The Node 20 line as it is installed here, as well as its first release.
  const bad: string[] = [];
  for (const v of [oldest as string, process.versions.node])
    for (const [path, p] of Object.entries(lock.packages)) {
      const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
      if (path && range && !semver.satisfies(v, range))
        bad.push(`${path}@${p.version} needs node ${range} (${v})`);
    }
  // Installed Node 20.x must satisfy everything; 20.0.0 may miss a floor like ">=20.6" (reported, not
  // fatal, since package.json can only promise the Node 20 line that is supported today).
  const current = bad.filter((b) => b.endsWith(`(${process.versions.node})`));
  assert.deepEqual(current, [], "EBADENGINE on this Node");
  assert.deepEqual(
    bad.filter((b) => /needs node >=2[2-9]/.test(b)),
    [],
    "no package that needs Node 22 or later",
  );
});

test("allowScripts names exactly the packages that have install scripts", () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, p]) => path && p.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length))
    .sort();
  assert.deepEqual(Object.keys(pkg.allowScripts ?? {}).sort(), [...new Set(withScripts)]);
  assert.ok(Object.values(pkg.allowScripts ?? {}).every((v) => v === true));
});
