// `millwright up --simulate` (`npm start`): on an empty registry the AI4I fleet is simulated,
// examples/contracts/ai4i.yaml trained on it and the contract server started; the live simulator
// streams into it under the scenario asked for, which GET/POST /v1/sim show and switch; every label
// is taken at shutdown; a restart (under the fleet's former name, `--fleet ai4i-contract`) serves
// the registered model and its counters go on (no 409).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fleetNewest } from "../../src/cli/commands/up-fleet.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";

/** The newest counter on the board once all `machines` have read past `after`. */
async function newestPast(url: string, machines: number, after: number): Promise<number> {
  for (let i = 0; i < 150; i++) {
    const f = (await (await fetch(`${url}/v1/fleet?limit=200`)).json()) as { machines: unknown[] };
    const t = await fleetNewest(url);
    if (f.machines.length === machines && t !== null && t > after) return t;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the board never had ${machines} machines past ${after}`);
}

/** "N readings sent, M labelled" of the simulator's last words. */
const stopped = (out: string) => {
  const m = out.match(/live simulation stopped: (\d+) readings sent, (\d+) labelled/);
  assert.ok(m, out);
  return { sent: Number(m[1]), labelled: Number(m[2]) };
};

test("up: simulate, train the AI4I contract, serve the contract server with the live simulator and its scenarios; SIGTERM exits 0", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-upac-"));
  const env = {
    MILLWRIGHT_DATA_DIR: join(dir, "data"),
    MILLWRIGHT_REGISTRY: join(dir, "models"),
    MILLWRIGHT_RETRAIN_MODE: "off",
  };
  const args = ["up", "--simulate", "--pace", "50", "--machines", "6"];
  const started: ServerProcess[] = [];
  try {
    const srv = await startServerProcess([...args, "--scenario", "heavy-load"], env, 240_000);
    started.push(srv);
    assert.match(srv.output(), /training .*ai4i\.yaml on 34560 readings/);
    const contract = (await (await fetch(`${srv.url}/v1/contract`)).json()) as {
      contract: string;
      model: { version: string };
    };
    assert.deepEqual([contract.contract, contract.model.version], ["ai4i-2020", "1.0.0"]);
    const model = (await (await fetch(`${srv.url}/v1/model`)).json()) as {
      metrics: { test: { pr_auc: number } };
    };
    assert.ok(model.metrics.test.pr_auc > 0.8, `PR-AUC ${model.metrics.test.pr_auc}`);
    assert.match(srv.output(), /dashboard http:\/\/127\.0\.0\.1:\d+\//);
    const tokensFile = join(dir, "data", "tokens.json");
    assert.equal(statSync(tokensFile).mode & 0o077, 0, "tokens file is private");
    await newestPast(srv.url, 6, 0);
    const sim = async () =>
      (await (await fetch(`${srv.url}/v1/sim`)).json()) as { running: boolean; scenario: string | null };
    const on = await sim();
    assert.deepEqual([on.running, on.scenario], [true, "heavy-load"], "--scenario is what runs");
    const { admin } = JSON.parse(readFileSync(tokensFile, "utf8")) as { admin: string };
    assert.ok(!srv.output().includes(admin), "the token is never printed");
    const sw = await fetch(`${srv.url}/v1/sim/scenario`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ scenario: "hot-summer" }),
    });
    assert.equal(sw.status, 200, await sw.text());
    assert.equal((await sim()).scenario, "hot-summer");
    const last = (await fleetNewest(srv.url)) ?? 0;
    srv.child.kill("SIGTERM");
    assert.equal(await srv.exited, 0, srv.output());
    const one = stopped(srv.output());
    assert.ok(one.sent > 0 && one.labelled === one.sent, "every label taken by POST /v1/feedback");
    assert.doesNotMatch(srv.output(), /answered 4\d\d/, "no reading or label refused");

    const again = await startServerProcess([...args, "--fleet", "ai4i-contract"], env, 120_000);
    started.push(again);
    assert.doesNotMatch(again.output(), /training/, "the registered model is served, not retrained");
    await newestPast(again.url, 6, last);
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0, again.output());
    assert.ok(stopped(again.output()).sent > 0, "readings answered after the restart");
    assert.doesNotMatch(again.output(), /answered 4\d\d/, "the counters go on after the history's newest");
  } finally {
    for (const p of started) p.child.kill("SIGKILL"); // a failed assertion must not leave a server behind
    rmSync(dir, { recursive: true, force: true });
  }
});
