// `models rollback`: the champion goes back to the previous one, as the registry's champion trail
// records it, with the reason. A real registry folder with three trained AI4I versions, the real
// CLI (spawned), and the real AI4I server on a port (POST /v1/models/rollback, admin token).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { championStack, readChampionTrail, trailPath } from "../../src/registry/champions.js";
import { trainAndRegister } from "../../src/registry/training.js";
import { buildApp } from "../../src/serve/app.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { runCli } from "../helpers/cli.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

const ADMIN = "admin-secret";
let fx: TrainedFixture;

before(() => {
  fx = trainedRegistry({ machines: 6, days: 10 });
  for (let i = 0; i < 2; i++)
    trainAndRegister(
      fx.registry,
      { rows: fx.rows, data: { file: fx.dataFile, sha256: "test" } },
      { seed: 2 + i, params: { nEstimators: 5 } },
    );
});
after(() => fx.cleanup());

const cli = (...args: string[]) => runCli(["models", ...args, "--registry", fx.registry.dir]);

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
  const long = await cli("rollback", "--reason", "x".repeat(501));
  assert.match(long.stderr, /reason: at most 500 characters, got 501/);
});

test("AI4I server: POST /v1/models/rollback needs the admin token, serves the previous champion, audits the reason", async () => {
  await fx.registry.setAlias("champion", "1.1.0");
  await fx.registry.setAlias("champion", "1.2.0");
  const dataDir = mkdtempSync(join(tmpdir(), "mw-rollback-"));
  const store = new SqliteStore({ path: join(dataDir, "p.db") });
  await store.init();
  const app: FastifyInstance = await buildApp({
    registry: fx.registry,
    store,
    tokens: { admin: ADMIN, feedback: "f", hook: "h" },
    maxBatch: 10,
  });
  try {
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    const post = (body: unknown, token?: string) =>
      fetch(`${url}/v1/models/rollback`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    assert.equal((await (await fetch(`${url}/v1/model`)).json()).version, "1.2.0");
    const denied = await post({ reason: "no token" });
    assert.equal(denied.status, 401);
    assert.equal(fx.registry.readIndex().aliases.champion, "1.2.0");
    const bad = await post({ reason: 7 }, ADMIN);
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, "MW_VALIDATION");
    const ok = await post({ reason: "false alarms doubled" }, ADMIN);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      from: "1.2.0",
      to: "1.1.0",
      reason: "false alarms doubled",
      served: "1.1.0",
    });
    assert.equal((await (await fetch(`${url}/v1/model`)).json()).version, "1.1.0");
    const audit = await store.pageAudit({ kinds: ["rollback"], limit: 5 });
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0].payload, {
      from: "1.2.0",
      to: "1.1.0",
      reason: "false alarms doubled",
      by: "api",
    });
  } finally {
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
