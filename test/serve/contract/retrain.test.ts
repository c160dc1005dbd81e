// Retraining a data-contract model end to end: a real server (startContractServer on a port), a
// real historian model trained on the first 45 of 60 days, the last 15 days sent to it as readings
// and events, then an Alertmanager-shaped webhook POST. The challenger must train on the stored
// data plus what the server received, be gated against the champion on the same latest slice, and
// be served in place when it passes (history kept). Also: promote/reload by hand, and the hook's
// token limit.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../../src/cli/config.js";
import { loadContract } from "../../../src/contract/load.js";
import { formatCsv, parseCsv } from "../../../src/data/csv.js";
import { readContractData } from "../../../src/data/contract-data.js";
import { parseTimestamp } from "../../../src/data/time.js";
import { readChampionTrail } from "../../../src/registry/champions.js";
import { ModelRegistry } from "../../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../../src/registry/train-history.js";
import type { ContractRetrainDecision, ContractTrainer } from "../../../src/retrain/contract-retrain.js";
import { trainInWorker } from "../../../src/retrain/contract-train-worker.js";
import { startContractServer } from "../../../src/serve/contract/server.js";
import { firingAlert } from "../../helpers/alertmanager.js";
import { historianShop } from "../../helpers/historian.js";
import { jsonClient } from "../../helpers/http.js";

const ADMIN = "admin-token-for-tests";
const HOOK = "hook-token-for-tests";
const FEEDBACK = "feedback-token-for-tests";
const DAY = 24 * 3600_000;

let server: Awaited<ReturnType<typeof startContractServer>>;
let registry: ModelRegistry;
let champion: string;
let cutoff: number;
let sent = { readings: 0, events: 0 };
const trained: { rows: number; liveWhileTraining: boolean }[] = [];
type Decision = Omit<ContractRetrainDecision, "verdict"> & {
  verdict: string;
  trigger: string;
  reason: string;
};

/** A CSV split at `cutoff` by its time column: the rows before it written to `dest`, the rest returned. */
function splitCsv(file: string, timeCol: string, dest: string): { header: string[]; rows: string[][] } {
  const t = parseCsv(readFileSync(file, "utf8"));
  const j = t.header.indexOf(timeCol);
  const early = t.rows.filter((r) => parseTimestamp(r[j]) < cutoff);
  writeFileSync(dest, formatCsv(t.header, early));
  return { header: t.header, rows: t.rows.filter((r) => parseTimestamp(r[j]) >= cutoff) };
}

const call = jsonClient(() => server.url);

before(async () => {
  const shop = historianShop({ machines: 12, days: 60, seed: 7 }, "mw-cretrain-");
  const { contract, text } = loadContract(shop.contract);
  const hist = join(shop.dir, "historian");
  const start = parseTimestamp(parseCsv(readFileSync(shop.telemetry, "utf8")).rows[0][0]);
  cutoff = start + 45 * DAY;
  const late = {
    telemetry: splitCsv(shop.telemetry, "timestamp", join(shop.dir, "base-telemetry.csv")),
    alarms: splitCsv(join(hist, "alarms.csv"), "timestamp", join(shop.dir, "base-alarms.csv")),
    maintenance: splitCsv(join(hist, "maintenance.csv"), "timestamp", join(shop.dir, "base-maintenance.csv")),
    failures: splitCsv(join(hist, "failures.csv"), "timestamp", join(shop.dir, "base-failures.csv")),
  };
  registry = new ModelRegistry(join(shop.dir, "models"));
  const data = readContractData(contract, {
    telemetry: join(shop.dir, "base-telemetry.csv"),
    events: {
      alarms: join(shop.dir, "base-alarms.csv"),
      maintenance: join(shop.dir, "base-maintenance.csv"),
      failures: join(shop.dir, "base-failures.csv"),
    },
    learn: true,
    labels: "require",
  });
  // A weak champion (one stump): the challenger, with the usual parameters and 15 more days of data,
  // should beat it on the latest days, so the test sees a promotion served in place.
  champion = trainHistoryAndRegister(registry, data, text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 1, maxDepth: 1 },
  }).version;

  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: registry.dir,
    MILLWRIGHT_DATA_DIR: join(shop.dir, "data"),
    MILLWRIGHT_ADMIN_TOKEN: ADMIN,
    MILLWRIGHT_HOOK_TOKEN: HOOK,
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
    MILLWRIGHT_RETRAIN_MODE: "local",
    MILLWRIGHT_GATE_METRIC: "pr_auc",
    MILLWRIGHT_GATE_MINIMUM: "0",
    MILLWRIGHT_AUTH_RATE_LIMIT_PER_MIN: "5",
  });
  // The server's own trainer (a worker thread), watched: the test sees what the challenger was
  // trained on, and that the server answers while it trains.
  const train: ContractTrainer = async (reg, d, t, o) => {
    trained.push({ rows: d.telemetry.n, liveWhileTraining: false });
    const training = trainInWorker(reg, d, t, o);
    const live = await fetch(`${server.url}/v2/health/live`);
    trained[trained.length - 1].liveWhileTraining = live.status === 200;
    return training;
  };
  server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false, train });

  // The last 15 days, as a client would send them: readings in time order, then the events.
  const h = late.telemetry.header;
  const readings = late.telemetry.rows.map((r) => {
    const o: Record<string, unknown> = { machine_id: r[h.indexOf("machine_id")], timestamp: r[0] };
    for (const spec of contract.readings) {
      const cell = r[h.indexOf(spec.column)];
      if (cell !== "" && cell !== undefined) o[spec.name] = Number(cell);
    }
    return o;
  });
  for (let i = 0; i < readings.length; i += 1000) {
    const r = await call("POST", "/v1/predict", readings.slice(i, i + 1000));
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  sent.readings = readings.length;
  const events = (["alarms", "maintenance", "failures"] as const).flatMap((table) => {
    const t = late[table];
    const kindCol = table === "alarms" ? "code" : "component";
    return t.rows.map((r, i) => ({
      id: `${table}-${i}`,
      table,
      machine_id: r[t.header.indexOf("machine_id")],
      timestamp: r[t.header.indexOf("timestamp")],
      kind: r[t.header.indexOf(kindCol)],
    }));
  });
  const e = await call("POST", "/v1/events", { events }, FEEDBACK);
  assert.equal(e.status, 200, JSON.stringify(e.body));
  sent.events = events.length;
  sent = { ...sent };
});

after(async () => {
  await server?.close();
});

const alert = firingAlert;

test("GET /v1/model and /v1/models: the served version, its contract, heads, horizon and card", async () => {
  const m = await call("GET", "/v1/model");
  assert.equal(m.status, 200);
  assert.equal(m.body.version, champion);
  assert.equal(m.body.contract, "historian-fleet");
  assert.equal(m.body.horizon, "24h");
  assert.ok("machine_failure" in m.body.heads);
  assert.match(m.body.card_markdown, /historian-fleet/);
  const card = await fetch(`${server.url}${m.body.card_url}`);
  assert.equal(card.status, 200);
  assert.match(card.headers.get("content-type") ?? "", /text\/markdown/);
  const list = await call("GET", "/v1/models");
  assert.equal(list.body.served, champion);
  assert.deepEqual(
    list.body.models.map((x: { version: string; stage: string }) => [x.version, x.stage]),
    [[champion, "champion"]],
  );
});

test("an alert that is not of the drift or quality kind starts nothing", async () => {
  const r = await call("POST", "/v1/hooks/alertmanager", alert("MillwrightHighLatency"), HOOK);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.outcomes[0].outcome, "ignored");
  assert.equal(server.retrainer?.running, false);
});

test("a drift alert retrains on the stored data plus what the server received, gated on the same slice", async () => {
  const r = await call(
    "POST",
    "/v1/hooks/alertmanager",
    alert("MillwrightDatasetDrift", { action: "retrain" }),
    HOOK,
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.outcomes[0].outcome, "started");
  // Training holds the event loop, so the run may be over before this test reads the answer: wait
  // for its decision in the audit, which is what an operator would read.
  let d: Decision | undefined;
  for (let i = 0; i < 600 && !d; i++) {
    d = (await call("GET", "/v1/retrain/history")).body.decisions[0]?.payload;
    if (!d) await new Promise((r) => setTimeout(r, 100));
  }
  if (!d) assert.fail("no decision within 60 s");
  assert.notEqual(d.verdict, "failed", d.reason);
  // Trained once, on every stored row plus every reading the server logged after them.
  assert.equal(trained.length, 1);
  assert.equal(d.data.production_rows, sent.readings);
  assert.equal(trained[0].rows, d.data.base_rows + sent.readings);
  assert.equal(trained[0].liveWhileTraining, true, "liveness answered while the challenger trained");
  assert.ok(d.data.production_events > 0 && d.data.production_events <= sent.events);
  // Both judged on one slice in the last days, which the champion never saw.
  const from = d.slice.test_from;
  assert.ok(from !== null && from >= cutoff, `${from} after the champion's data`);
  assert.ok(d.slice.rows > 100 && d.slice.failures > 0, JSON.stringify(d.slice));
  assert.equal(d.champion.metrics?.positives, d.challenger.metrics?.positives);
  const g = d.gate;
  const promote =
    (g.challenger ?? -1) >= 0 && (g.champion === null || (g.challenger ?? -1) >= g.champion - 1e-12);
  assert.equal(g.promote, promote, JSON.stringify(g));

  assert.equal(d.verdict, g.promote ? "promoted" : "kept");
  assert.equal(d.trigger, "alert MillwrightDatasetDrift");
  assert.equal(g.promote, true, "the stump champion is replaced");
  const h = await call("GET", "/v1/retrain/history");
  assert.equal(h.body.running, false);
  assert.deepEqual(
    h.body.events.map((e: { kind: string }) => e.kind),
    ["promotion", "decision", "trigger"],
  );
  assert.deepEqual(h.body.events[0].payload, { from: champion, to: d.challenger.version, run: d.run });
  // A second drift alert within the cooldown starts nothing.
  const again = await call(
    "POST",
    "/v1/hooks/alertmanager",
    alert("MillwrightQualityLow", { action: "retrain" }),
    HOOK,
  );
  assert.equal(again.body.outcomes[0].outcome, "cooldown");
  const alerts = await call("GET", "/v1/alerts");
  assert.deepEqual(
    alerts.body.alerts.map((a: { alertname: string }) => a.alertname),
    ["MillwrightQualityLow", "MillwrightDatasetDrift", "MillwrightHighLatency"],
  );
  const served = (await call("GET", "/v1/model")).body.version;
  assert.equal(served, g.promote ? d.challenger.version : champion);
  const idx = registry.readIndex();
  assert.equal(idx.aliases.challenger, d.challenger.version);
  assert.equal(idx.aliases.champion, served);
});

test("promote by hand swaps the served model in place and keeps the history", async () => {
  const versions = registry.list().map((s) => s.version);
  const served0 = server.models.served;
  const other = versions.find((v) => v !== server.models.served) as string;
  const denied = await call("POST", `/v1/models/${other}/promote`, undefined, "wrong");
  assert.equal(denied.status, 401);
  // A field the route does not take is refused, naming it, and nothing moves.
  const typo = await call("POST", `/v1/models/${other}/promote`, { reson: "typo" }, ADMIN);
  assert.equal(typo.status, 400, JSON.stringify(typo.body));
  assert.match(JSON.stringify(typo.body), /reson/);
  const challenger = await call("POST", `/v1/models/${other}/promote`, { alias: "challenger" }, ADMIN);
  assert.deepEqual([challenger.status, challenger.body.field], [400, "body.alias"]);
  assert.equal(server.models.served, served0);
  // As the dashboard sends it: alias champion, and a reason.
  const p = await call(
    "POST",
    `/v1/models/${other}/promote`,
    { alias: "champion", reason: "  better on the night shift  " },
    ADMIN,
  );
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.served, other);
  assert.equal(p.body.reason, "better on the night shift");
  assert.equal(registry.readIndex().aliases.champion, other);
  // The reason is kept (trial 4: it was dropped): in the champion trail and the audit's promotion.
  assert.equal(readChampionTrail(registry.dir).at(-1)?.reason, "better on the night shift");
  const hist = await call("GET", "/v1/retrain/history", undefined, ADMIN);
  const promo = hist.body.events.find((e: { kind: string }) => e.kind === "promotion")?.payload;
  assert.deepEqual([promo?.to, promo?.by, promo?.reason], [other, "api", "better on the night shift"]);
  // History kept: a machine's reading earlier than its last one is still refused, and a new one is
  // answered by the new version.
  const last = sent.readings > 0 ? cutoff + 15 * DAY - 3600_000 : cutoff;
  const old = await call("POST", "/v1/predict", {
    machine_id: "M01",
    timestamp: new Date(cutoff).toISOString(),
    spindle_speed: 9000,
    spindle_load: 40,
  });
  assert.equal(old.status, 409, JSON.stringify(old.body));
  const fresh = await call("POST", "/v1/predict", {
    machine_id: "M01",
    timestamp: new Date(last + 7200_000).toISOString(),
    spindle_speed: 9000,
    spindle_load: 40,
  });
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  assert.equal(fresh.body.model.version, other);
  // The monitor follows the swap: it reports on the new version's reference, from the same history.
  const mon = await call("GET", "/v1/monitor");
  assert.equal(mon.status, 200, JSON.stringify(mon.body));
  assert.equal(mon.body.current_rows, sent.readings + 1);
  const back = await call("POST", "/v1/admin/reload", { model: served0 }, ADMIN);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  assert.deepEqual(back.body, { from: other, to: served0, follows: served0 });
  assert.equal((await call("GET", "/v1/model")).body.version, served0);
});

test("a version of another contract is refused with a clear error, and nothing moves", async () => {
  const { obj } = registry.readModelJson(champion);
  const renamed = JSON.parse(JSON.stringify(obj)) as { contract: { name: string }; version: string };
  renamed.contract.name = "another-shop";
  const v = registry.register(() => ({
    model: (version) => ({ ...renamed, version }),
    files: {},
  }));
  const before = registry.readIndex().aliases.champion;
  const r = await call("POST", `/v1/models/${v}/promote`, undefined, ADMIN);
  assert.equal(r.status, 409, JSON.stringify(r.body));
  assert.equal(r.body.code, "MW_CONFLICT");
  assert.match(r.body.detail, /another-shop.*historian-fleet/);
  assert.equal(registry.readIndex().aliases.champion, before);
});

test("wrong hook tokens are limited per client; the right token still passes", async () => {
  let limited = 0;
  for (let i = 0; i < 8; i++) {
    const r = await call("POST", "/v1/hooks/alertmanager", alert("x"), `guess-${i}`);
    assert.ok(r.status === 401 || r.status === 429, String(r.status));
    if (r.status === 429) {
      limited++;
      assert.equal(r.body.code, "MW_RATE_LIMITED");
    }
  }
  assert.ok(limited >= 3, `${limited} of 8 limited`);
  const ok = await call("POST", "/v1/hooks/alertmanager", alert("MillwrightHighLatency"), HOOK);
  assert.equal(ok.status, 200);
});

test("the OpenAPI document lists the model and retraining routes, token-protected ones with security", async () => {
  const doc = (await call("GET", "/docs/json")).body;
  for (const [path, method, secured] of [
    ["/v1/model", "get", false],
    ["/v1/models", "get", false],
    ["/v1/models/{version}/card", "get", false],
    ["/v1/models/{version}/promote", "post", true],
    ["/v1/admin/reload", "post", true],
    ["/v1/hooks/alertmanager", "post", true],
    ["/v1/alerts", "get", false],
    ["/v1/retrain/history", "get", false],
    ["/v1/retrain", "post", true],
  ] as const) {
    const op = doc.paths[path]?.[method];
    assert.ok(op, `${method} ${path} documented`);
    assert.equal(Boolean(op.security), secured, `${method} ${path} security`);
  }
});

test("a version whose model file is corrupt is refused before the alias moves (issue 18, item 3)", async () => {
  const { obj } = registry.readModelJson(champion);
  const v = registry.register(() => ({ model: (version) => ({ ...(obj as object), version }), files: {} }));
  const text = readFileSync(join(registry.versionDir(v), "model.json"), "utf8");
  writeFileSync(join(registry.versionDir(v), "model.json"), text.slice(0, text.length / 2));
  const before = registry.readIndex().aliases.champion;
  const served = server.models.served;
  const r = await call("POST", `/v1/models/${v}/promote`, undefined, ADMIN);
  assert.equal(r.body.code, "MW_MODEL_CORRUPT", JSON.stringify(r.body));
  assert.equal(registry.readIndex().aliases.champion, before);
  assert.equal(server.models.served, served);
  assert.equal((await call("GET", "/v1/model")).body.version, served);
});

test("retrain now (POST /v1/retrain, admin token): one at a time, past the alerts' cooldown, its reason in the trail", async () => {
  // Two at once: the first starts, the second is told one is running (decided in one queue).
  const [a, b] = await Promise.all([
    call("POST", "/v1/retrain", { reason: "new coolant since Monday" }, ADMIN),
    call("POST", "/v1/retrain", {}, ADMIN),
  ]);
  assert.equal(a.status, 202, JSON.stringify(a.body));
  assert.match(a.body.run, /^[0-9a-f-]{36}$/);
  assert.equal(a.body.reason, "new coolant since Monday");
  assert.equal(b.status, 409, JSON.stringify(b.body));
  assert.equal(b.body.code, "MW_CONFLICT");
  assert.match(b.body.detail, /a retraining is running/);
  const bad = await call("POST", "/v1/retrain", { reason: "x", force: true }, ADMIN);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.field, "body.force");
  let d: Decision | undefined;
  for (let i = 0; i < 600 && !d; i++) {
    const h = (await call("GET", "/v1/retrain/history")).body;
    d = h.decisions.map((x: { payload: Decision }) => x.payload).find((p: Decision) => p.run === a.body.run);
    if (!d) await new Promise((r) => setTimeout(r, 100));
  }
  if (!d) assert.fail("no decision within 60 s");
  assert.equal(d.trigger, "manual: new coolant since Monday");
  assert.ok(["promoted", "kept"].includes(d.verdict), d.reason);
  const trail = (await call("GET", "/v1/retrain/history?limit=500")).body.events as {
    kind: string;
    payload: { source?: string; reason?: string; run?: string };
  }[];
  const trigger = trail.find((e) => e.kind === "trigger" && e.payload.run === a.body.run);
  assert.deepEqual(
    [trigger?.payload.source, trigger?.payload.reason],
    ["manual", "new coolant since Monday"],
  );
});
