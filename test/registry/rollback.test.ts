// `models rollback`: the champion goes back to the previous one, as the registry's champion trail
// records it, with the reason. A real registry folder with three versions of the AI4I contract and
// the real CLI (spawned). The server's POST /v1/models/rollback is test/serve/contract/rollback.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ModelRegistry } from "../../src/registry/registry.js";
import { championStack, readChampionTrail, trailPath } from "../../src/registry/champions.js";
import { trainAi4iContract } from "../helpers/ai4i-contract.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
let fx: { registry: ModelRegistry };

before(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-rollback-"));
  // Three versions (1.0.0 the champion): each call trains the contract again into dir/models.
  for (let i = 0; i < 3; i++) fx = trainAi4iContract(dir, { machines: 6, days: 3 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

// The CLI writes a champion it moves into the contract's audit in the data directory (trial 3).
const env = () => ({ MILLWRIGHT_DATA_DIR: join(dir, "data") });
const cli = (...args: string[]) => runCli(["models", ...args, "--registry", fx.registry.dir], { env: env() });

test("the trail: promotions push, rollbacks pop; a hand-edited registry.json restarts it", () => {
  const at = "2026-01-01T00:00:00Z";
  const p = (from: string | null, to: string) => ({ at, action: "promote" as const, from, to, reason: null });
  const r = (from: string, to: string) => ({ at, action: "rollback" as const, from, to, reason: "x" });
  assert.deepEqual(championStack([p(null, "A"), p("A", "B"), p("B", "C")], "C"), ["A", "B", "C"]);
  assert.deepEqual(championStack([p(null, "A"), p("A", "B"), p("B", "C"), r("C", "B")], "B"), ["A", "B"]);
  // registry.json says D, the trail never saw it: D's predecessor is the trail's last champion.
  assert.deepEqual(championStack([p(null, "A"), p("A", "B")], "D"), ["A", "B", "D"]);
  assert.deepEqual(championStack([], "A"), ["A"]);
});

test("CLI: rollback returns to the previous champion with the reason, twice; then a clear error", async () => {
  assert.equal(fx.registry.readIndex().aliases.champion, "1.0.0");
  assert.equal((await cli("promote", "1.1.0")).code, 0);
  assert.equal((await cli("promote", "1.2.0")).code, 0);
  const r1 = await cli("rollback", "--reason", "recall fell on the night shift");
  assert.equal(r1.code, 0, r1.stderr);
  assert.match(r1.stdout, /champion 1\.2\.0 → 1\.1\.0 \(rolled back: recall fell on the night shift\)/);
  assert.equal(fx.registry.readIndex().aliases.champion, "1.1.0");
  const last = readChampionTrail(fx.registry.dir).at(-1);
  assert.deepEqual(
    { action: last?.action, from: last?.from, to: last?.to, reason: last?.reason },
    { action: "rollback", from: "1.2.0", to: "1.1.0", reason: "recall fell on the night shift" },
  );
  const r2 = await cli("rollback", "--json");
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual(JSON.parse(r2.stdout), { from: "1.1.0", to: "1.0.0", reason: null });
  const r3 = await cli("rollback");
  assert.notEqual(r3.code, 0);
  assert.match(
    r3.stderr,
    /records no champion before 1\.0\.0: nothing to roll back to .*models promote VERSION/,
  );
  assert.equal(fx.registry.readIndex().aliases.champion, "1.0.0");
  // The first version, both promotions and both rollbacks: one line each, in order.
  const trail = readFileSync(trailPath(fx.registry.dir), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    trail.map((c) => `${c.action} ${c.from}→${c.to}`),
    [
      "first null→1.0.0",
      "promote 1.0.0→1.1.0",
      "promote 1.1.0→1.2.0",
      "rollback 1.2.0→1.1.0",
      "rollback 1.1.0→1.0.0",
    ],
  );
  // The same moves in the contract's retraining audit, newest first, each said as by the CLI, so
  // `retrain history` shows what is served (trial 3: it ended at the last automatic promotion).
  const h = await runCli(["retrain", "history", "--json", "--registry", fx.registry.dir], { env: env() });
  assert.equal(h.code, 0, h.stderr);
  const moves = (JSON.parse(h.stdout).events as { kind: string; payload: Record<string, unknown> }[]).map(
    (e) => `${e.kind} ${String(e.payload.from)}→${String(e.payload.to)} ${String(e.payload.by)}`,
  );
  assert.deepEqual(moves, [
    "rollback 1.1.0→1.0.0 cli",
    "rollback 1.2.0→1.1.0 cli",
    "promotion 1.1.0→1.2.0 cli",
    "promotion 1.0.0→1.1.0 cli",
  ]);
  const text = await runCli(["retrain", "history", "--registry", fx.registry.dir], { env: env() });
  assert.match(text.stdout, /rollback +1\.2\.0 → 1\.1\.0 \(by cli\): recall fell on the night shift/);
  const long = await cli("rollback", "--reason", "x".repeat(501));
  assert.match(long.stderr, /reason: at most 500 characters, got 501/);
  // An audit that cannot be written does not undo or fail the move the registry already made: said on stderr.
  const noAudit = await runCli(["models", "promote", "1.1.0", "--registry", fx.registry.dir], {
    env: { MILLWRIGHT_DATA_DIR: "/dev/null/data" },
  });
  assert.equal(noAudit.code, 0, noAudit.stderr);
  assert.match(
    noAudit.stderr,
    /the champion moved, but the retraining audit was not written \(\/dev\/null\/data\)/,
  );
  assert.equal(fx.registry.readIndex().aliases.champion, "1.1.0");
});
