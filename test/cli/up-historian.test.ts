// `millwright up --fleet historian --simulate`: the data-contract product on one machine. An empty
// registry gets a simulated export, a copy of the example contract and a trained model; the next
// days are played into the contract server; a restart goes on from where the history log ends.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";

interface Fleet {
  machines: { machine_id: string; last_reading_at: string | null; attributes: Record<string, unknown> }[];
}

/** The fleet's newest reading time once every machine has one later than `after`. */
async function newest(url: string, machines: number, after = 0): Promise<number> {
  let t = 0;
  for (let i = 0; i < 150; i++) {
    const f = (await (await fetch(`${url}/v1/fleet?limit=200`)).json()) as Fleet;
    if (f.machines.length === machines && f.machines.every((m) => m.last_reading_at)) {
      t = Math.max(...f.machines.map((m) => Date.parse(m.last_reading_at as string)));
      if (t > after) return t;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return t;
}

test("up --fleet historian: simulate, train, serve the contract server and play the fleet; a restart goes on", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-uph-"));
  const env = {
    MILLWRIGHT_DATA_DIR: join(dir, "data"),
    MILLWRIGHT_REGISTRY: join(dir, "models"),
    MILLWRIGHT_RETRAIN_MODE: "off",
  };
  const args = ["up", "--fleet", "historian", "--simulate", "--pace", "100", "--machines", "6"];
  const started: ServerProcess[] = [];
  try {
    const srv = await startServerProcess(args, env, 240_000);
    started.push(srv);
    assert.ok(
      existsSync(join(dir, "data", "historian", "contract.yaml")),
      "the contract is beside its export",
    );
    assert.match(
      readFileSync(join(dir, "data", "historian", "telemetry.csv"), "utf8"),
      /^timestamp,machine_id,/,
    );
    const contract = (await (await fetch(`${srv.url}/v1/contract`)).json()) as { contract: string };
    assert.equal(contract.contract, "historian-fleet");
    const first = await newest(srv.url, 6);
    // The export ends after 60 days (2026-01-05 + 60 d = 2026-03-06): what the fleet shows is played.
    assert.ok(first >= Date.parse("2026-03-06T00:00:00Z"), new Date(first).toISOString());
    const plan = await fetch(`${srv.url}/v1/plan`);
    assert.equal(plan.status, 200, await plan.clone().text());
    assert.equal(((await plan.json()) as { model: { version: string } }).model.version, "1.0.0");
    assert.ok(!srv.output().includes("FastifyDeprecation"), srv.output());
    assert.ok(!srv.output().includes("strict mode"), srv.output());
    srv.child.kill("SIGTERM");
    assert.equal(await srv.exited, 0, srv.output());
    const stopped = first;

    const again = await startServerProcess(args, env, 120_000);
    started.push(again);
    assert.ok(!again.output().includes("training on"), "the registered model is served, not retrained");
    const later = await newest(again.url, 6, stopped);
    assert.ok(later > stopped, "the replay goes on after the history log's newest reading");
    const err = again.output().match(/historian player: .* answered 409/);
    assert.equal(err, null, "nothing played twice");
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0, again.output());
  } finally {
    for (const p of started) p.child.kill("SIGKILL"); // a failed assertion must not leave a server behind
    rmSync(dir, { recursive: true, force: true });
  }
});
