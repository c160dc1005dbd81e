// The error table in src/core/errors.ts and the one in the README must agree: codes, statuses, exit
// codes and titles. Regenerate the README's table from the code when this fails.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ERROR_TABLE } from "../../src/core/errors.js";
import { PACKAGE_ROOT } from "../../src/core/version.js";

test("README error table matches src/core/errors.ts", () => {
  const readme = readFileSync(`${PACKAGE_ROOT}/README.md`, "utf8");
  const block = readme.split("<!-- error-table:start -->")[1]?.split("<!-- error-table:end -->")[0];
  assert.ok(block, "README has the error table markers");
  const rows = block
    .split("\n")
    .filter((l) => l.startsWith("| `MW_"))
    .map((l) => l.split("|").map((c) => c.trim()));
  const fromReadme = Object.fromEntries(
    rows.map((c) => [c[1].replace(/`/g, ""), { status: Number(c[2]), exit: Number(c[3]), title: c[4] }]),
  );
  assert.deepEqual(fromReadme, ERROR_TABLE);
});

test("every code's HTTP status and exit code are in range", () => {
  for (const [code, e] of Object.entries(ERROR_TABLE)) {
    assert.match(code, /^MW_[A-Z_]+$/);
    assert.ok(e.status >= 400 && e.status < 600, code);
    assert.ok(e.exit === 1 || e.exit === 2, code);
  }
});
