// The retraining webhook on a real server process, without Prometheus: Alertmanager v4 payloads
// posted straight at POST /v1/hooks/alertmanager. Authentication, a storm deduplicated into one
// retraining, resolved alerts ignored, and a retraining that fails leaving the champion in place.
// `millwright serve` of the AI4I contract: the contract server, which retrains in a worker thread
// (issue 15 retired the AI4I app and its training child process).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ModelRegistry } from "../../src/registry/registry.js";
import { AI4I_READING, ai4iContractShop, removeShop } from "../helpers/ai4i-contract.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import {
  amPayload,
  HOOK_TOKEN,
  metric,
  postHook,
  retrainHistory,
  servedVersion,
  waitFor,
} from "./support.js";

let shop: { dir: string; registryDir: string };
let registry: ModelRegistry;
const dirs: string[] = [];
const servers: ServerProcess[] = [];
/** A process of the AI4I contract; each call a later counter, so none is refused for its order. */
let udi = 0;
const reading = () => ({ ...AI4I_READING, timestamp: ++udi });

before(() => {
  shop = ai4iContractShop("mw-hook-shop-");
  registry = new ModelRegistry(shop.registryDir);
});

after(async () => {
  for (const s of servers) {
    if (s.child.exitCode === null) {
      s.child.kill("SIGTERM");
      await s.exited;
    }
  }
  removeShop(shop);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function serve(): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), "mw-hook-"));
  dirs.push(dataDir);
  const srv = await startServerProcess(["serve", "--registry", shop.registryDir], {
    MILLWRIGHT_DATA_DIR: dataDir,
    MILLWRIGHT_HOOK_TOKEN: HOOK_TOKEN,
    MILLWRIGHT_RETRAIN_MODE: "local",
    MILLWRIGHT_RETRAIN_COOLDOWN_MS: String(10 * 60_000),
    MILLWRIGHT_MONITOR_INTERVAL_MS: "60000",
  });
  servers.push(srv);
  return srv;
}

const decision = (url: string) =>
  waitFor(
    "a retraining decision in /v1/retrain/history",
    async () => {
      const h = await retrainHistory(url);
      return h.running ? undefined : h.events.find((e) => e.kind === "decision");
    },
    60_000,
  );

test("the webhook: auth, a storm of 20 identical alerts starts one retraining, resolved alerts are ignored", async () => {
  const srv = await serve();
  try {
    const firing = amPayload([
      { status: "firing", alertname: "MillwrightQualityLow", fingerprint: "a1b2c3d4e5f60718" },
    ]);

    const none = await postHook(srv.url, firing, null);
    assert.equal(none.status, 401);
    const wrong = await postHook(srv.url, firing, "not-the-token");
    assert.equal(wrong.status, 401);
    assert.equal(
      await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "started" }),
      0,
      "no retraining before auth",
    );
    assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "rejected_auth" }), 2);

    // A storm: Alertmanager re-notifying the same alert (same fingerprint) 20 times, concurrently.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => postHook(srv.url, firing, HOOK_TOKEN)),
    );
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(20).fill(200),
    );
    const outcomes = (
      await Promise.all(answers.map((r) => r.json() as Promise<{ outcomes: { outcome: string }[] }>))
    ).flatMap((j) => j.outcomes.map((o) => o.outcome));
    assert.equal(outcomes.filter((o) => o === "started").length, 1, JSON.stringify(outcomes));
    assert.equal(outcomes.filter((o) => o === "deduplicated").length, 19, JSON.stringify(outcomes));
    assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "started" }), 1);
    assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "deduplicated" }), 19);

    // Resolved: recorded as received, never a trigger.
    const resolved = await postHook(
      srv.url,
      amPayload([{ status: "resolved", alertname: "MillwrightQualityLow", fingerprint: "ffff000011112222" }]),
      HOOK_TOKEN,
    );
    assert.equal(resolved.status, 200);
    assert.deepEqual(
      ((await resolved.json()) as { outcomes: { outcome: string }[] }).outcomes.map((o) => o.outcome),
      ["ignored"],
    );
    assert.equal(await metric(srv.url, "millwright_retrain_triggers_total", { outcome: "started" }), 1);

    // One decision. (No production data: the AI4I app kept its champion; the contract server trains
    // the same rows again and its gate, at margin 0, promotes the equal challenger: said as it is.)
    const d = await decision(srv.url);
    assert.ok(["kept", "promoted"].includes(String(d.payload.verdict)), JSON.stringify(d.payload));
    assert.equal((d.payload.data as { production_rows: number }).production_rows, 0);
    const h = await retrainHistory(srv.url);
    assert.equal(h.events.filter((e) => e.kind === "trigger").length, 1, "exactly one trigger in the audit");
    const alerts = (await (await fetch(`${srv.url}/v1/alerts`)).json()) as { alerts: { status: string }[] };
    assert.equal(alerts.alerts.length, 21, "every notification is in the audit, the resolved one too");
    assert.equal(await servedVersion(srv.url, reading()), registry.readIndex().aliases.champion);
  } catch (e) {
    console.error(srv.output());
    throw e;
  }
});

test("a retraining that fails half-way (the champion's stored training data is damaged) keeps the champion and records 'failed'", async () => {
  // The lineage names the champion's data in the dataset store: its stored copy is damaged (a header
  // and a row the contract rejects, whose bytes no longer match the hash).
  const champion = registry.readIndex().aliases.champion;
  const store = join(shop.registryDir, "datasets", "sha256");
  for (const f of readdirSync(store))
    writeFileSync(
      join(store, f),
      "UDI,Type,Air temperature [K],Process temperature [K],Rotational speed [rpm],Torque [Nm],Tool wear [min],Machine failure\n1,L,298.1,308.6,not-a-number,42.8,108,0\n",
    );
  const srv = await serve();
  try {
    const r = await postHook(
      srv.url,
      amPayload([{ status: "firing", alertname: "MillwrightDatasetDrift", fingerprint: "0123456789abcdef" }]),
      HOOK_TOKEN,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(
      ((await r.json()) as { outcomes: { outcome: string }[] }).outcomes.map((o) => o.outcome),
      ["started"],
    );
    const d = await decision(srv.url);
    assert.equal(d.payload.verdict, "failed", JSON.stringify(d.payload));
    assert.match(String(d.payload.reason), /\S/, "the failure says why");
    assert.equal(await metric(srv.url, "millwright_retrain_decisions_total", { verdict: "failed" }), 1);
    assert.equal(registry.readIndex().aliases.champion, champion, "the champion alias is untouched");
    assert.equal(await servedVersion(srv.url, reading()), champion);
    const h = await retrainHistory(srv.url);
    assert.equal(h.events.filter((e) => e.kind === "promotion").length, 0);
  } catch (e) {
    console.error(srv.output());
    throw e;
  }
});
