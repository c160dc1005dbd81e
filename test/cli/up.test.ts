// `npm start` = `millwright up`: on an empty machine it simulates, trains and serves; with
// --simulate the fleet streams in and a scenario can be switched on while it runs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServerProcess } from "../helpers/server-process.js";

test("up on an empty registry: simulate, train, serve; --simulate streams the fleet; SIGTERM exits 0", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-up-"));
  try {
    const srv = await startServerProcess(
      ["up", "--simulate", "--pace", "200", "--machines", "24"],
      {
        MILLWRIGHT_DATA_DIR: join(dir, "data"),
        MILLWRIGHT_REGISTRY: join(dir, "models"),
        MILLWRIGHT_RETRAIN_MODE: "off",
      },
      240_000,
    );
    const model = (await (await fetch(`${srv.url}/v1/model`)).json()) as {
      version: string;
      metrics: { test: { pr_auc: number } };
    };
    assert.equal(model.version, "1.0.0");
    assert.ok(model.metrics.test.pr_auc > 0.8, `PR-AUC ${model.metrics.test.pr_auc}`);
    assert.match(srv.output(), /dashboard http:\/\/127\.0\.0\.1:\d+\//);
    const tokensFile = join(dir, "data", "tokens.json");
    assert.equal(statSync(tokensFile).mode & 0o077, 0, "tokens file is private");
    const tokens = JSON.parse(readFileSync(tokensFile, "utf8")) as { admin: string };
    assert.ok(!srv.output().includes(tokens.admin), "the token is never printed");
    let machines = 0;
    for (let i = 0; i < 100 && machines < 24; i++) {
      await new Promise((r) => setTimeout(r, 200));
      machines = ((await (await fetch(`${srv.url}/v1/fleet`)).json()) as { machines: unknown[] }).machines
        .length;
    }
    assert.equal(machines, 24, "every simulated machine reached the fleet board");
    const sw = await fetch(`${srv.url}/v1/sim/scenario`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.admin}` },
      body: JSON.stringify({ scenario: "hot-summer" }),
    });
    assert.equal(sw.status, 200, await sw.text());
    const sim = (await (await fetch(`${srv.url}/v1/sim`)).json()) as {
      running: boolean;
      stats: { sent: number };
    };
    assert.equal(sim.running, true);
    assert.ok(sim.stats.sent > 0);
    srv.child.kill("SIGTERM");
    assert.equal(await srv.exited, 0, srv.output());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
