// The operational commands of test/cli/ops.test.ts on a registry whose champion is the AI4I
// contract (what `npm start` trains): `models list/promote/rollback` work on it
// (test/registry/rollback.test.ts); `monitor --once` and `predictions export` read the AI4I app's
// log, so on it they refuse with exit 2 and say what to use instead, rather than exporting nothing
// or blaming "this server" (docs/one-server.md, step 2).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { trainAi4iContract } from "../helpers/ai4i-contract.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let env: Record<string, string>;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-ops-contract-"));
  trainAi4iContract(dir, { machines: 6, days: 3 });
  env = { MILLWRIGHT_REGISTRY: join(dir, "models"), MILLWRIGHT_DATA_DIR: join(dir, "data") };
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("models list shows the contract champion with its metrics", async () => {
  const r = await runCli(["models", "list"], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1\.0\.0 .* champion\s+0\.\d{4}\s+0\.\d{4}\s+0\.\d{4}/);
});

test("monitor --once on a contract champion: exit 2 naming the server's monitor routes", async () => {
  const r = await runCli(["monitor", "--once", "--json"], { env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /1\.0\.0 is a data-contract model/);
  assert.match(r.stderr, /GET \/v1\/monitor/);
  assert.doesNotMatch(r.stderr, /this server/);
});

test("predictions export on a contract champion: exit 2, no empty file", async () => {
  const out = join(dir, "export.csv");
  const r = await runCli(["predictions", "export", "--out", out], { env });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /1\.0\.0 is a data-contract model/);
  assert.match(r.stderr, /history log/);
  assert.equal(existsSync(out), false);
});
