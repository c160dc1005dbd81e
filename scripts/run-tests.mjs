// Runs every compiled test file under dist/test with node's own test runner.
// Why a script: Node 20's `--test` takes no globs, and directory arguments behave
// differently across Node versions; listing the files ourselves is the same everywhere.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ["dist/test"]).flatMap((r) => (r.endsWith(".js") ? [r] : find(r, [])));
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}
const concurrency = process.env.MILLWRIGHT_TEST_CONCURRENCY ?? "2";
const res = spawnSync(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(res.status ?? 1);
