// `models prune` (trial 8: every retraining adds a full version and nothing removed any): it keeps the
// aliased versions, the champions a rollback can return to and the newest --keep, and removes the
// rest; --dry-run removes nothing. A real registry folder and the real CLI (spawned).
import assert from "node:assert/strict";
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ModelRegistry } from "../../src/registry/registry.js";
import { trainAi4iContract } from "../helpers/ai4i-contract.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let registry: ModelRegistry;
const VERSIONS = ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0", "1.6.0"];

before(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-prune-"));
  registry = trainAi4iContract(dir, { machines: 6, days: 3 }).registry;
  // Six more versions as copies of the first (prune reads no model), and a history of champions:
  // 1.0.0, then 1.2.0, then 1.4.0 (champion now); 1.5.0 the challenger.
  for (const v of VERSIONS.slice(1))
    cpSync(registry.versionDir("1.0.0"), registry.versionDir(v), { recursive: true });
  writeFileSync(
    join(registry.dir, "registry.json"),
    JSON.stringify({ aliases: { champion: "1.4.0", challenger: "1.5.0" } }),
  );
  const at = "2026-01-01T00:00:00Z";
  for (const [from, to] of [
    ["1.0.0", "1.2.0"],
    ["1.2.0", "1.4.0"],
  ])
    appendFileSync(
      join(registry.dir, "champions.jsonl"),
      `${JSON.stringify({ at, action: "promote", from, to, reason: null })}\n`,
    );
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(["models", "prune", ...args, "--registry", registry.dir]);
const onDisk = () => readdirSync(join(registry.dir, "versions")).sort();

test("--dry-run lists what would go and removes nothing; --keep 0 is refused", async () => {
  const r = await cli("--keep", "2", "--dry-run", "--json");
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.removed.map((x: { version: string }) => x.version),
    ["1.0.0", "1.1.0", "1.3.0"],
  );
  assert.ok(out.bytes > 0 && out.removed.every((x: { bytes: number }) => x.bytes > 0));
  assert.deepEqual(out.kept, [
    { version: "1.2.0", why: "rollback" },
    { version: "1.4.0", why: "champion" },
    { version: "1.5.0", why: "challenger" },
    { version: "1.6.0", why: "newest" },
  ]);
  assert.equal(out.dry_run, true);
  assert.deepEqual(onDisk(), VERSIONS);
  // --keep 1 still keeps the champion a rollback returns to (trial 10).
  const one = JSON.parse((await cli("--keep", "1", "--dry-run", "--json")).stdout);
  assert.deepEqual(
    one.kept.map((k: { version: string; why: string }) => [k.version, k.why]),
    [
      ["1.2.0", "rollback"],
      ["1.4.0", "champion"],
      ["1.5.0", "challenger"],
      ["1.6.0", "newest"],
    ],
  );
  const bad = await cli("--keep", "0");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--keep: must be a whole number ≥ 1, got 0/);
});

test("prune removes the rest; a rollback still finds the previous champion", async () => {
  const r = await cli("--keep", "2");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^removed 1\.0\.0 \(\d+\.\d MB\)$/m);
  assert.match(
    r.stdout,
    /^removed 3 versions, .* MB; kept 1\.2\.0 \(rollback\), 1\.4\.0 \(champion\), 1\.5\.0 \(challenger\), 1\.6\.0 \(newest\)$/m,
  );
  assert.deepEqual(onDisk(), ["1.2.0", "1.4.0", "1.5.0", "1.6.0"]);
  assert.ok(!existsSync(registry.versionDir("1.0.0")));
  const back = await runCli(["models", "rollback", "--registry", registry.dir, "--json"], {
    env: { MILLWRIGHT_DATA_DIR: join(dir, "data") },
  });
  assert.equal(back.code, 0, back.stderr);
  assert.equal(JSON.parse(back.stdout).to, "1.2.0");
});
