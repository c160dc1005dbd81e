// A customer's second week (shop E): a first model trained from a 30-day export, then three weeks
// fed only through the HTTP API by the shop's MQTT bridge, through a real server process: a sensor
// recalibration and a new coolant on live day 8 make the model worse and the monitor sees it; a
// retraining on the posted history is gated by time and, fitted before the change, kept; the server
// is killed half-way; the operator shadows, promotes, rolls back and works the plan, all by the API.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { jsonClient } from "../helpers/http.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { SHOP_LIVE_CONTRACT, SHOP_LIVE_TECHNICIANS, shopLive } from "../helpers/shop-live.js";
import { iso } from "../helpers/shop-live-files.js";
import { Bridge, type Decision, poll, retrainAlert } from "../helpers/shop-live-bridge.js";

type Event = {
  id: string;
  kind: string;
  table: string;
  payload: { reason?: string; to?: string; by?: string };
};

const H = 3600_000;
const dir = mkdtempSync(join(tmpdir(), "mw-shop-live-"));
const shop = shopLive(dir, { liveDays: 22 });
writeFileSync(join(dir, "shop-e.yaml"), SHOP_LIVE_CONTRACT);
writeFileSync(join(dir, "technicians.yaml"), SHOP_LIVE_TECHNICIANS);
const registry = join(dir, "models");
const env = {
  MILLWRIGHT_DATA_DIR: join(dir, "data"),
  MILLWRIGHT_ADMIN_TOKEN: "admin-e",
  MILLWRIGHT_FEEDBACK_TOKEN: "bridge-e",
  MILLWRIGHT_HOOK_TOKEN: "hook-e",
  MILLWRIGHT_TECHNICIANS: join(dir, "technicians.yaml"),
  MILLWRIGHT_RETRAIN_MODE: "local",
  MILLWRIGHT_GATE_MINIMUM: "0",
  MILLWRIGHT_MODEL_REFRESH_MS: "200",
};
let server: ServerProcess | null = null;
const start = async () => (server = await startServerProcess(["serve", "--registry", registry], env));
const call = jsonClient(() => (server as ServerProcess).url);
const get = async (path: string) => (await call("GET", path)).body;
const bridge = new Bridge(shop, call, env.MILLWRIGHT_FEEDBACK_TOKEN, () => (server as ServerProcess).url);
const day = (d: number) => shop.liveFrom + d * 24 * H;
after(() => {
  server?.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test("check and train --contract: model 1 from the 30-day export, written from the README", async () => {
  const c = await runCli(["check", "--contract", join(dir, "shop-e.yaml"), "--json", "--strict"]);
  assert.equal(c.code, 0, c.stdout + c.stderr);
  assert.equal(JSON.parse(c.stdout).machines, 10);
  const t = await runCli(["train", "--contract", join(dir, "shop-e.yaml"), "--registry", registry, "--json"]);
  assert.equal(t.code, 0, t.stderr);
  const m = JSON.parse(t.stdout);
  assert.equal(m.version, "1.0.0");
  assert.ok(m.metrics.pr_auc > 0.8, JSON.stringify(m.metrics));
});

test("the bridge goes live: every documented mistake gets its answer, nothing is stuck or lost", async () => {
  await start();
  await bridge.warmUp();
  // A 10,001-reading batch is refused whole; 10,000 (the bridge catching up) are all answered.
  const over = await call("POST", "/v1/predict", shop.readings.slice(0, 10_001));
  assert.equal(over.status, 413);
  assert.equal(over.body.code, "MW_BATCH_TOO_LARGE");
  await bridge.catchUp(10_000);
  // The readings of the last horizon have no label yet: the monitor estimates their quality too.
  const early = await get("/v1/monitor");
  assert.equal(early.estimated.n, early.current_rows);
  assert.ok(early.quality.n < early.current_rows - 2000 && early.estimated.f1 > 0.5, JSON.stringify(early));
  await bridge.until(day(4), H, () => bridge.watchQuality());
  const [a, b] = bridge.lastBatch.slice(-2);
  const newest = bridge.newest.get(bridge.lastBatch[0].machine_id)?.replace("Z", ".000Z");
  const cases: [unknown, number, string][] = [
    // a retry after a timeout: refused whole, naming the machine's newest reading (README)
    [bridge.lastBatch, 409, "readings[0].timestamp"],
    [[{ ...a, timestamp: iso(day(4) + H) }, a], 409, "readings[1].timestamp"],
    [{ ...b, timestamp: iso(day(4)), spindle_temp_c: 40 }, 400, "spindle_temp_c"],
    [{ ...b, timestamp: iso(Date.now() + 400 * 24 * H) }, 400, "timestamp"],
    [{ ...b, machine_id: "OK-11", timestamp: iso(day(4)) }, 400, "machine_id"],
  ];
  for (const [body, status, field] of cases) {
    const r = await call("POST", "/v1/predict", body);
    assert.deepEqual([r.status, r.body.field], [status, field], JSON.stringify(r.body));
    if (body === bridge.lastBatch) assert.match(r.body.detail, new RegExp(`its newest: ${newest}`));
  }
  const ev = { id: "x1", table: "alarms", machine_id: "BR-77", timestamp: iso(day(4)), kind: "DOOR-OPEN" };
  const unknown = await call("POST", "/v1/events", { events: [ev] }, env.MILLWRIGHT_FEEDBACK_TOKEN);
  assert.deepEqual([unknown.status, unknown.body.field], [400, "events[0].machine_id"]);
  // An event batch sent again is idempotent by id.
  const again = await call("POST", "/v1/events", { events: shop.warmup.events.slice(0, 3) }, "bridge-e");
  assert.ok(again.body.results.every((x: { outcome: string }) => x.outcome === "duplicate"));
  for (const [path, body] of [
    ["/v1/models/shadow", { version: "1.0.0" }],
    ["/v1/models/rollback", {}],
    ["/v1/plan", {}],
  ]) {
    const r = await call("POST", path as string, body);
    assert.deepEqual([r.status, r.body.code], [401, "MW_UNAUTHORIZED"], path as string);
  }
  // None of it got in the way: the bridge goes on.
  await bridge.until(day(10), H, () => bridge.watchQuality());
});

test("killed half-way (SIGKILL) and restarted: every acknowledged reading is in the history, board and monitor go on", async () => {
  // The board as it was (generated_at says when it was asked, nothing else may differ).
  const board = async () => ({ ...(await get("/v1/fleet")), generated_at: null });
  const fleet = await board();
  const quality = (await get("/v1/monitor")).quality;
  const s = server as ServerProcess;
  s.child.kill("SIGKILL");
  await s.exited;
  await start();
  assert.deepEqual(await board(), fleet);
  assert.deepEqual((await get("/v1/monitor")).quality, quality);
  for (const [machine, timestamp] of bridge.newest) {
    const last = shop.readings.find((r) => r.machine_id === machine && r.timestamp === timestamp);
    const r = await call("POST", "/v1/predict", last);
    assert.equal(r.status, 409, `${machine}'s last acknowledged reading is in the replayed history`);
    assert.match(r.body.detail, new RegExp(`its newest: ${timestamp.replace("Z", ".000Z")}`));
  }
  await bridge.until(day(20), H, () => bridge.watchQuality());
});

test("the monitor sees the new coolant, not a wolf: no dataset drift on the calm days, drift on coolant after, realised quality falls", async () => {
  // No look of the calm days reported dataset drift (MillwrightDatasetDrift would page and retrain).
  const calmLooks = bridge.drifts.filter((x) => x.at <= shop.driftFrom);
  assert.ok(calmLooks.length >= 8, JSON.stringify(bridge.drifts));
  assert.ok(
    calmLooks.every((x) => x.dataset_drift === false),
    JSON.stringify(calmLooks),
  );
  // The new coolant's heat from worn bearings goes past anything the export's days showed once a
  // day's window holds enough of it (36 h here); vibration at 0.8× does not (the export's own days
  // moved it by more as bearings wore), so the dataset (1 reading of 5) did not drift.
  const soon = bridge.drifts.filter((x) => x.at > shop.driftFrom && x.at <= shop.driftFrom + 48 * H);
  assert.ok(
    soon.some((x) => x.drifted.includes("coolant_temp_c")),
    JSON.stringify(soon),
  );
  const before = bridge.snapshots.filter((x) => x.at <= shop.driftFrom);
  const afterDrift = bridge.snapshots.filter((x) => x.at >= shop.driftFrom + 2 * 24 * H);
  assert.ok(before.length >= 3 && afterDrift.length >= 3, JSON.stringify(bridge.snapshots));
  const mean = (xs: typeof bridge.snapshots, k: "recall" | "pr_auc") =>
    xs.reduce((t, x) => t + x[k], 0) / xs.length;
  assert.ok(mean(before, "recall") > 0.8, JSON.stringify(before));
  assert.ok(mean(afterDrift, "recall") < mean(before, "recall") - 0.3, JSON.stringify(afterDrift));
  assert.ok(mean(afterDrift, "pr_auc") < mean(before, "pr_auc"), JSON.stringify(bridge.snapshots));
  const metrics = await (await fetch(`${(server as ServerProcess).url}/metrics`)).text();
  const recall = metrics.match(/^millwright_quality_realised\{metric="recall",window="count"\} (\S+)$/m);
  assert.equal(Number(recall?.[1]), (await get("/v1/monitor")).quality.recall ?? Number.NaN);
  assert.match(metrics, /^millwright_feature_drift_score\{feature="spindle_vib_rms",test="\w+"\} /m);
  // The estimate goes to /metrics only from a window with 50 alarms: a calm one (CBPE's F1 is 0
  // there whatever happens) would fire MillwrightEstimatedQualityDrop on a healthy fleet.
  const calm = bridge.estimates.filter((e) => e.alarms < 50);
  assert.ok(calm.length > 0 && calm.length < bridge.estimates.length, JSON.stringify(bridge.estimates));
  for (const e of bridge.estimates) assert.equal(e.exported, e.alarms >= 50, JSON.stringify(e));
});

test("retraining on the posted history: gated by time on the labels after the drift; the bridge is answered throughout", async () => {
  const ackedBefore = bridge.acked;
  const hook = await call("POST", "/v1/hooks/alertmanager", retrainAlert("e-quality"), "hook-e");
  assert.equal(hook.body.outcomes[0].outcome, "started", JSON.stringify(hook.body));
  // The bridge keeps posting, an hour at a time (each answered 200), while the challenger trains.
  let d: Decision | undefined;
  await bridge.until(day(21), H, async () => {
    d ??= (await get("/v1/retrain/history")).decisions[0]?.payload;
  });
  d ??= await poll(async () => (await get("/v1/retrain/history")).decisions[0]?.payload, 300);
  assert.ok(d, "a decision");
  // It trained on the export plus what the bridge posted before the alert (none of the warm-up twice).
  assert.equal(d.data.base_rows, shop.exportRows);
  assert.ok(
    d.data.production_rows >= ackedBefore && d.data.production_rows <= bridge.acked,
    JSON.stringify(d.data),
  );
  // Both models scored on the same later slice, after the drift, which the challenger was not fitted on.
  assert.ok(d.slice.test_from > shop.driftFrom, JSON.stringify(d.slice));
  assert.equal(d.challenger.metrics.n, d.champion.metrics.n);
  // What a shop with a drift 12 days old gets: the challenger's trees are fitted only before its
  // validation part (the last 20-25 % of its training time), which starts before the drift (here
  // before the live period), so it learned nothing of the new coolant and the gate keeps the
  // champion (README, "Retraining a contract model"; PR-AUC 0.58 against 0.59). The readings posted while it ran move the slice's
  // end by an hour or so: the verdict is asserted as the gate's rule, not as a figure.
  const split = JSON.parse(readFileSync(join(registry, "versions", "1.1.0", "metrics.json"), "utf8")).split;
  assert.ok(split.validationFrom < shop.driftFrom, JSON.stringify(split));
  const wins = d.challenger.metrics.pr_auc > d.champion.metrics.pr_auc;
  assert.equal(d.verdict, wins ? "promoted" : "kept", JSON.stringify(d.gate));
  assert.equal((await get("/v1/model")).version, wins ? "1.1.0" : "1.0.0");
});

test("shadow, promote, rollback (route and CLI) and the plan, as an operator does them", async () => {
  const admin = "admin-e";
  const A = (await get("/v1/model")).version as string;
  const B = A === "1.0.0" ? "1.1.0" : "1.0.0";
  // The other version, live in shadow beside the champion.
  assert.equal((await call("POST", "/v1/models/shadow", { version: B }, admin)).status, 200);
  const n0 = bridge.acked;
  await bridge.until(day(21.5), H);
  assert.ok(bridge.acked - n0 > 1000);
  const sh = await poll(async () => {
    const now = await get("/v1/models/shadow");
    return now.queue.waiting === 0 && now;
  });
  assert.deepEqual(
    [sh.version, sh.champion, sh.queue.scored, sh.queue.dropped],
    [B, A, bridge.acked - n0, 0],
  );
  assert.equal((await call("DELETE", "/v1/models/shadow", undefined, admin)).status, 200);
  // The swaps below happen while the bridge posts the last day, a batch every 5 minutes of shop
  // time: each is answered 200 (Bridge throws otherwise), none is lost between two models.
  const posting = bridge.until(day(22), 5 * 60_000);
  // Promoted by hand, then rolled back through the route with a reason, which the trail keeps.
  assert.equal((await call("POST", `/v1/models/${B}/promote`, {}, admin)).status, 200);
  const rb = await call("POST", "/v1/models/rollback", { reason: "trial E: worse on the week" }, admin);
  assert.deepEqual([rb.status, rb.body.served], [200, A], JSON.stringify(rb.body));
  const trail = (await get("/v1/retrain/history")).events;
  assert.ok(
    trail.some((e: Event) => e.kind === "rollback" && e.payload.reason === "trial E: worse on the week"),
  );
  // `millwright models promote` in another process: the server follows the champion alias.
  const cli = await runCli(
    ["models", "promote", B, "--registry", registry, "--reason", "trial E: back to B"],
    {
      env,
    },
  );
  assert.equal(cli.code, 0, cli.stderr);
  const served = await poll(async () => (await get("/v1/model")).version === B);
  assert.ok(served, "the server follows an alias another process moved");
  // The hand promotions are in the server's trail too, the route's and the CLI's (trial 3).
  const byHand = (await get("/v1/retrain/history")).events
    .filter((e: Event) => e.kind === "promotion")
    .map((e: Event) => [e.payload.to, e.payload.by, e.payload.reason ?? null]);
  assert.deepEqual(byHand.slice(0, 2), [
    [B, "cli", "trial E: back to B"],
    [B, "api", null],
  ]);
  await posting;
  assert.equal(bridge.clock, Number.POSITIVE_INFINITY, "every live reading answered");
  // The plan: a task done becomes a maintenance event in its machine's history; one skipped, with a reason.
  const plan = await get("/v1/plan");
  assert.ok(plan.tasks.length >= 2, JSON.stringify({ u: plan.unplanned_risks }).slice(0, 2000));
  const [t1, t2] = plan.tasks;
  const task = (t: { id: string }, what: string) => `/v1/plan/tasks/${encodeURIComponent(t.id)}/${what}`;
  const done = await call("POST", task(t1, "done"), {}, "bridge-e");
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal((await call("POST", task(t1, "done"), {}, "bridge-e")).status, 409);
  assert.equal((await call("POST", task(t2, "skipped"), {}, "bridge-e")).body.field, "body.reason");
  const skipped = await call("POST", task(t2, "skipped"), { reason: "no spare bearing" }, "bridge-e");
  assert.equal(skipped.status, 200, JSON.stringify(skipped.body));
  const machine = await get(`/v1/machines/${t1.machine_id}`);
  assert.ok(machine.events.some((e: Event) => e.id === `plan-task:${t1.id}` && e.table === "maintenance"));
  const again = await poll(async () => {
    const p = await get("/v1/plan");
    return !p.stale && p;
  });
  assert.ok(again.made_at > plan.made_at, "re-planned");
  const outcomes = again.outcomes.map((o: { id: string; status: string; reason?: string }) => [
    o.id,
    o.status,
    o.reason,
  ]);
  assert.deepEqual(outcomes, [
    [t1.id, "done", undefined],
    [t2.id, "skipped", "no spare bearing"],
  ]);
  assert.ok(!again.tasks.some((t: { id: string }) => t.id === t1.id), "the done task is not planned again");
  const s = server as ServerProcess;
  s.child.kill("SIGTERM");
  assert.equal(await s.exited, 0, s.output());
  server = null;
});
