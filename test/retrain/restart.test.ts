// Issue 18, item 10, against real server processes, a real SQLite file and a real training child:
// alert dedupe and cooldown survive a restart; a server killed (-9) while its child trains leaves no
// trigger without a decision once it is started again, and no orphan child training on.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { holderDead, bootId } from "../../src/registry/lock.js";
import { toWire } from "../../src/sim/wire.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { amPayload, FEEDBACK_TOKEN, HOOK_TOKEN, postHook, waitFor } from "../e2e/support.js";

interface Ev {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
}

/** The audit straight from the file (read-only, WAL): also the kinds the API does not show. */
function audit(dataDir: string, kind: string): Ev[] {
  const db = new Database(join(dataDir, "predictions.db"), { readonly: true });
  try {
    return (
      db.prepare("SELECT id, kind, payload FROM audit WHERE kind = ? ORDER BY id").all(kind) as {
        id: number;
        kind: string;
        payload: string;
      }[]
    ).map((r) => ({ ...r, payload: JSON.parse(r.payload) }));
  } finally {
    db.close();
  }
}

describe("retraining across restarts", () => {
  let fx: TrainedFixture;
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  before(() => {
    fx = trainedRegistry({ machines: 8, days: 10, seed: 5 });
  });
  after(async () => {
    for (const s of servers)
      if (s.child.exitCode === null && s.child.signalCode === null) {
        s.child.kill("SIGKILL");
        await s.exited;
      }
    fx.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function serve(dataDir: string): Promise<ServerProcess> {
    const srv = await startServerProcess(["serve", "--registry", fx.registry.dir], {
      MILLWRIGHT_DATA_DIR: dataDir,
      MILLWRIGHT_HOOK_TOKEN: HOOK_TOKEN,
      MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK_TOKEN,
      MILLWRIGHT_RETRAIN_MODE: "local",
      MILLWRIGHT_RETRAIN_COOLDOWN_MS: String(30 * 60_000),
    });
    servers.push(srv);
    return srv;
  }

  const outcome = async (url: string, fingerprint: string): Promise<string> => {
    const r = await postHook(
      url,
      amPayload([{ status: "firing", alertname: "MillwrightQualityLow", fingerprint }]),
      HOOK_TOKEN,
    );
    assert.equal(r.status, 200);
    return ((await r.json()) as { outcomes: { outcome: string }[] }).outcomes[0].outcome;
  };

  test("dedupe and cooldown survive a restart: a replayed fingerprint starts nothing", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mw-dedupe-"));
    dirs.push(dataDir);
    let srv = await serve(dataDir);
    assert.equal(await outcome(srv.url, "aaaa000011112222"), "started");
    await waitFor(
      "the decision",
      async () => (audit(dataDir, "decision").length > 0 ? true : undefined),
      30_000,
    );
    srv.child.kill("SIGTERM");
    assert.equal(await srv.exited, 0);
    srv = await serve(dataDir);
    assert.equal(await outcome(srv.url, "aaaa000011112222"), "deduplicated");
    assert.equal(
      await outcome(srv.url, "bbbb000011112222"),
      "cooldown",
      "the cooldown also outlives the process",
    );
    assert.equal(audit(dataDir, "trigger").length, 1, "one retraining in all");
    srv.child.kill("SIGTERM");
    await srv.exited;
  });

  test("kill -9 during training: on the next start the run is settled and no orphan child trains on", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "mw-kill9-"));
    dirs.push(dataDir);
    let srv = await serve(dataDir);
    // Labelled production data with failures, so the retraining really trains a challenger.
    const rows = fx.rows.filter((r, i) => r.machine_failure === 1 || i % 4 === 0).slice(0, 3000);
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const r = await fetch(`${srv.url}/v1/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(rows.slice(i, i + 500).map(toWire)),
      });
      ids.push(...((await r.json()) as { predictions: { id: string }[] }).predictions.map((p) => p.id));
    }
    const fb = await fetch(`${srv.url}/v1/feedback`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${FEEDBACK_TOKEN}` },
      body: JSON.stringify(
        ids.map((id, i) => ({ prediction_id: id, machine_failure: rows[i].machine_failure })),
      ),
    });
    assert.equal(fb.status, 200, await fb.text());
    assert.equal(await outcome(srv.url, "cccc000011112222"), "started");
    const training = await waitFor(
      "the training child",
      async () => audit(dataDir, "training")[0]?.payload as { pid: number; run: string } | undefined,
      30_000,
      20,
    );
    srv.child.kill("SIGKILL");
    await srv.exited;
    const trigger = audit(dataDir, "trigger")[0].payload;
    assert.equal(trigger.run, training.run);
    assert.equal(audit(dataDir, "decision").length, 0, "the killed server decided nothing");

    srv = await serve(dataDir);
    const decision = await waitFor(
      "a decision for the killed run",
      async () => audit(dataDir, "decision").find((d) => d.payload.run === training.run),
      60_000,
    );
    const adopted = fx.registry
      .versions()
      .find((v) => fx.registry.readJson(v, "lineage.json")?.retrain_run === training.run);
    if (adopted)
      assert.match(String(decision.payload.reason), new RegExp(`challenger ${adopted} was adopted`));
    else assert.equal(decision.payload.verdict, "abandoned", JSON.stringify(decision.payload));
    assert.ok(holderDead({ pid: training.pid, boot: bootId() }), "the training child is not running");
    const history = (await (await fetch(`${srv.url}/v1/retrain/history`)).json()) as { decisions: Ev[] };
    assert.equal(history.decisions[0].payload.run, training.run);
    // A replay of the killed run's alert after the restart starts nothing new.
    assert.equal(await outcome(srv.url, "cccc000011112222"), "deduplicated");
    assert.equal(audit(dataDir, "trigger").length, 1);
    console.log(
      `kill -9 during training: ${adopted ? `adopted ${adopted}` : "abandoned"} — ${decision.payload.reason}`,
    );
    srv.child.kill("SIGTERM");
    await srv.exited;
  });
});
