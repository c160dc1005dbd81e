// The AI4I retraining loop with a shadow period (issue 19), on a real server process: an alert
// retrains; the challenger passes the offline gate but is not served, it goes in shadow; live
// answers and their labels arrive; once 150 labelled requests are in, the gate decides on the
// realised PR-AUC of both on those same requests, and the server serves what it decided.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { simulateFleet } from "../../src/data/simulate.js";
import { wireReading } from "../../src/sim/wire.js";
import { READING, type TrainedFixture, trainedRegistry } from "../helpers/model.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import {
  amPayload,
  FEEDBACK_TOKEN,
  HOOK_TOKEN,
  postHook,
  retrainHistory,
  servedVersion,
  waitFor,
} from "./support.js";

let fx: TrainedFixture | null = null;
let srv: ServerProcess | null = null;
const dirs: string[] = [];

after(async () => {
  if (srv && srv.child.exitCode === null) {
    srv.child.kill("SIGTERM");
    await srv.exited;
  }
  fx?.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Sends readings and then their true labels (as a technician would report them). */
async function predictAndLabel(url: string, rows: ReturnType<typeof simulateFleet>): Promise<void> {
  const body = rows.map((r) => wireReading(r, { machineModel: false, timestamp: false }));
  const res = await fetch(`${url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const ids = ((await res.json()) as { predictions: { id: string }[] }).predictions.map((p) => p.id);
  const fb = await fetch(`${url}/v1/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${FEEDBACK_TOKEN}` },
    body: JSON.stringify(
      ids.map((id, i) => ({ prediction_id: id, machine_failure: rows[i].machine_failure })),
    ),
  });
  assert.equal(fb.status, 200, await fb.text());
}

test("a challenger that passes offline waits in shadow; the gate decides on the live labels", {
  timeout: 150_000,
}, async () => {
  // A champion trained on little data, so a challenger trained on more passes offline (margin 0).
  fx = trainedRegistry({ machines: 3, days: 4, seed: 11 });
  const dataDir = mkdtempSync(join(tmpdir(), "mw-ai4i-gate-"));
  dirs.push(dataDir);
  srv = await startServerProcess(["serve", "--registry", fx.registry.dir], {
    MILLWRIGHT_DATA_DIR: dataDir,
    MILLWRIGHT_HOOK_TOKEN: HOOK_TOKEN,
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK_TOKEN,
    MILLWRIGHT_RETRAIN_MODE: "local",
    MILLWRIGHT_RETRAIN_COOLDOWN_MS: String(10 * 60_000),
    MILLWRIGHT_MONITOR_INTERVAL_MS: "60000",
    MILLWRIGHT_MODEL_REFRESH_MS: "300",
    MILLWRIGHT_GATE_MARGIN: "0",
    MILLWRIGHT_GATE_MINIMUM: "0",
    MILLWRIGHT_SHADOW_MIN_LABELS: "150",
    MILLWRIGHT_SHADOW_CHECK_MS: "200",
  });
  const url = srv.url;
  // Production data with failures among it, labelled: what the retraining trains and gates on.
  const fleet = simulateFleet({ machines: 8, days: 10, seed: 23 });
  const pos = fleet.filter((r) => r.machine_failure === 1);
  const neg = fleet.filter((r) => r.machine_failure === 0);
  assert.ok(pos.length >= 40, `${pos.length} failures in the simulated fleet`);
  await predictAndLabel(url, [...pos.slice(0, 20), ...neg.slice(0, 380)]);

  const hook = await postHook(
    url,
    amPayload([{ status: "firing", alertname: "MillwrightQualityLow", fingerprint: "5a5a5a5a5a5a5a5a" }]),
    HOOK_TOKEN,
  );
  assert.equal(hook.status, 200);
  const decisions = async () =>
    (await retrainHistory(url)).events.filter((e) => e.kind === "decision").map((e) => e.payload);
  await waitFor(
    "the challenger in shadow",
    async () => ((await decisions()).some((d) => d.verdict === "shadow") ? true : undefined),
    90_000,
  );
  const ds = await decisions();
  assert.ok(
    ds.some((d) => d.verdict === "offline-pass"),
    JSON.stringify(ds),
  );
  const inShadow = ds.find((d) => d.verdict === "shadow");
  assert.ok(inShadow);
  const challenger = (inShadow.challenger as { version: string }).version;
  const sh = (await (await fetch(`${url}/v1/models/shadow`)).json()) as { active: boolean; version: string };
  assert.deepEqual([sh.active, sh.version], [true, challenger]);
  assert.equal(await servedVersion(url, READING), fx.version, "passed offline, not served yet");

  // Live traffic in shadow with its labels: the gate waits for 150, then decides.
  await predictAndLabel(url, [...pos.slice(20, 40), ...neg.slice(380, 580)]);
  const final = await waitFor(
    "the shadow gate's decision",
    async () => (await decisions()).find((d) => d.stage === "shadow"),
    30_000,
  );
  const c = final.comparison as {
    labelled: number;
    champion: { pr_auc: number };
    shadow: { pr_auc: number };
  };
  assert.ok(c.labelled >= 150, JSON.stringify(c));
  console.log(`shadow gate: ${final.verdict}: ${final.reason}`);
  const better = c.shadow.pr_auc >= c.champion.pr_auc;
  assert.equal(final.verdict, better ? "promoted" : "kept", JSON.stringify(final));
  const want = better ? challenger : fx.version;
  await waitFor(
    "the decided version served",
    async () => ((await servedVersion(url, READING)) === want ? true : undefined),
    10_000,
  );
  const after = (await (await fetch(`${url}/v1/models/shadow`)).json()) as { active: boolean };
  assert.equal(after.active, false, "the shadow period is over");
});
