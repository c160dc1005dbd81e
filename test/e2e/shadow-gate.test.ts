// The end-to-end proof of the shadow gate (issue 19) on a real contract server (startContractServer on
// a port, real SQLite history and audit, the challenger trained in the server's worker thread), fed
// a simulated historian fleet in time order: a weak champion (one stump) trained on days 0-36; days
// 36-46 sent as readings and events (the fleet the champion never saw); a drift alert retrains, and
// the challenger, which passes the offline gate, goes in shadow instead of being served
// (MILLWRIGHT_SHADOW_MIN_LABELS=300). Days 46-53: readings arrive (the shadow scores each after its
// answer); labelled but no failure known yet, the gate waits; then that week's failures arrive and
// the gate promotes, on the realised PR-AUC of both on the same requests. Then a deliberately worse
// challenger: a stump retrained is kept by the offline gate, and a stump that reaches shadow anyway
// (as if the offline slice had been lucky) is rejected on days 53-60's evidence: never promoted.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readConfig } from "../../src/cli/config.js";
import { loadContract } from "../../src/contract/load.js";
import type { Contract } from "../../src/contract/types.js";
import { formatCsv, parseCsv } from "../../src/data/csv.js";
import { readContractData } from "../../src/data/contract-data.js";
import { parseTimestamp } from "../../src/data/time.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainHistoryAndRegister } from "../../src/registry/train-history.js";
import type { ContractTrainer } from "../../src/retrain/contract-retrain.js";
import { trainInWorker } from "../../src/retrain/contract-train-worker.js";
import { startContractServer } from "../../src/serve/contract/server.js";
import { historianShop } from "../helpers/historian.js";
import { jsonClient } from "../helpers/http.js";

const ADMIN = "admin-e2e-shadow";
const HOOK = "hook-e2e-shadow";
const FEEDBACK = "feedback-e2e-shadow";
const DAY = 24 * 3600_000;
const TABLES = ["alarms", "maintenance", "failures"] as const;

let server: Awaited<ReturnType<typeof startContractServer>>;
let champion: string;
let contract: Contract;
let start: number;
let dir: string;
/** The trainer the server uses: the real one, or a stump when the test asks for a worse challenger. */
let stump = false;
type Table = { header: string[]; rows: string[][] };
const files: Record<"telemetry" | (typeof TABLES)[number], Table> = {} as never;

const call = jsonClient(() => server.url);

const inDays = (t: Table, col: string, from: number, to: number) => {
  const j = t.header.indexOf(col);
  return t.rows.filter((r) => {
    const x = parseTimestamp(r[j]);
    return x >= start + from * DAY && x < start + to * DAY;
  });
};

/** Days [from, to) of the fleet's readings, as a client sends them, in time order. */
async function sendReadings(from: number, to: number): Promise<number> {
  const t = files.telemetry;
  const h = t.header;
  const readings = inDays(t, "timestamp", from, to).map((r) => {
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
  return readings.length;
}

/** Days [from, to) of alarms, maintenance and failures. */
async function sendEvents(from: number, to: number): Promise<number> {
  const events = TABLES.flatMap((table) => {
    const t = files[table];
    const col = (r: string[], name: string) => r[t.header.indexOf(name)];
    return inDays(t, "timestamp", from, to).map((r, i) => ({
      id: `${table}-${from}-${i}`,
      table,
      machine_id: col(r, "machine_id"),
      timestamp: col(r, "timestamp"),
      kind: col(r, table === "alarms" ? "code" : "component"),
    }));
  });
  if (events.length === 0) return 0;
  const e = await call("POST", "/v1/events", { events }, FEEDBACK);
  assert.equal(e.status, 200, JSON.stringify(e.body));
  return events.filter((x) => x.table === "failures").length;
}

before(async () => {
  const shop = historianShop({ machines: 12, days: 60, seed: 7 }, "mw-e2e-shadow-");
  dir = shop.dir;
  const loaded = loadContract(shop.contract);
  contract = loaded.contract;
  const hist = join(dir, "historian");
  files.telemetry = parseCsv(readFileSync(shop.telemetry, "utf8"));
  for (const t of TABLES) files[t] = parseCsv(readFileSync(join(hist, `${t}.csv`), "utf8"));
  start = parseTimestamp(files.telemetry.rows[0][0]);
  // The champion's data: days 0-36 only.
  const base = (name: string, t: Table) => {
    const p = join(dir, `base-${name}.csv`);
    writeFileSync(p, formatCsv(t.header, inDays(t, "timestamp", -1, 36)));
    return p;
  };
  const registry = new ModelRegistry(join(dir, "models"));
  const data = readContractData(contract, {
    telemetry: base("telemetry", files.telemetry),
    events: Object.fromEntries(TABLES.map((t) => [t, base(t, files[t])])),
    learn: true,
    labels: "require",
  });
  champion = trainHistoryAndRegister(registry, data, loaded.text, {
    seed: 1,
    split: { by: "time", testFrom: null },
    params: { nEstimators: 1, maxDepth: 1 },
  }).version;
  const cfg = readConfig({
    MILLWRIGHT_REGISTRY: registry.dir,
    MILLWRIGHT_DATA_DIR: join(dir, "data"),
    MILLWRIGHT_ADMIN_TOKEN: ADMIN,
    MILLWRIGHT_HOOK_TOKEN: HOOK,
    MILLWRIGHT_FEEDBACK_TOKEN: FEEDBACK,
    MILLWRIGHT_RETRAIN_MODE: "local",
    MILLWRIGHT_GATE_METRIC: "pr_auc",
    MILLWRIGHT_GATE_MINIMUM: "0",
    MILLWRIGHT_SHADOW_MIN_LABELS: "300",
    // The test asks the gate itself, at the moments it means to: the timer stays out of the way.
    MILLWRIGHT_SHADOW_CHECK_MS: "3600000",
  });
  const train: ContractTrainer = (reg, d, t, o) =>
    trainInWorker(reg, d, t, stump ? { ...o, params: { nEstimators: 1, maxDepth: 1 } } : o);
  server = await startContractServer(cfg, { host: "127.0.0.1", port: 0, logger: false, train });
});

after(async () => {
  await server?.close();
});

const served = async () => (await call("GET", "/v1/model")).body.version as string;
const shadowNow = async () => (await call("GET", "/v1/models/shadow")).body;
const judge = () => server.shadowGate?.judge() ?? assert.fail("no shadow gate");

test("a retrained challenger is served only after its shadow evidence says it is better; a worse one never", async (t) => {
  const t0 = Date.now();
  assert.ok(server.shadowGate, "MILLWRIGHT_SHADOW_MIN_LABELS set: the gate has a shadow period");
  await sendReadings(36, 46);
  await sendEvents(36, 46);

  // Drift alert → retraining → the challenger passes the offline gate and goes in shadow, not live.
  const alert = {
    version: "4",
    status: "firing",
    receiver: "millwright-retrain",
    alerts: [
      {
        status: "firing",
        labels: { alertname: "MillwrightDatasetDrift", action: "retrain" },
        annotations: {},
        startsAt: new Date().toISOString(),
        fingerprint: "fp-drift",
      },
    ],
  };
  const hook = await call("POST", "/v1/hooks/alertmanager", alert, HOOK);
  assert.equal(hook.status, 200, JSON.stringify(hook.body));
  assert.equal(hook.body.outcomes[0].outcome, "started");
  const d = await server.retrainer?.inProgress();
  assert.equal(d?.verdict, "promote", `offline gate: ${d?.reason}`);
  const challenger = d.challenger.version;
  assert.equal(await served(), champion, "not served yet");
  let s = await shadowNow();
  assert.deepEqual([s.active, s.version, s.champion], [true, challenger, champion]);
  const trail = (await call("GET", "/v1/retrain/history")).body.events;
  assert.deepEqual(
    trail.slice(0, 2).map((e: { payload: { verdict: string } }) => e.payload.verdict),
    ["shadow", "offline-pass"],
  );
  assert.equal((await judge())?.verdict, "wait");

  // A week of readings: scored in shadow after each answer; labelled, but no failure known yet.
  const week = await sendReadings(46, 53);
  await server.shadow.idle();
  s = await shadowNow();
  assert.equal(s.comparison.n, week, "every answered reading scored in shadow");
  assert.equal(s.queue.dropped, 0);
  assert.ok(s.comparison.labelled >= 300, `${s.comparison.labelled} labelled`);
  const waiting = await judge();
  assert.equal(waiting?.verdict, "wait");
  assert.match(waiting?.reason ?? "", /no realised PR-AUC yet/);
  assert.equal(await served(), champion);

  // That week's failures arrive: the evidence is in, and it says the challenger is better.
  const failures = await sendEvents(46, 53);
  assert.ok(failures > 0, "the week had failures");
  s = await shadowNow();
  const { champion: cq, shadow: sq } = s.comparison;
  assert.ok(s.comparison.positives > 0);
  assert.ok(sq.pr_auc >= cq.pr_auc, `challenger ${sq.pr_auc} vs champion ${cq.pr_auc}`);
  const promoted = await judge();
  assert.equal(promoted?.verdict, "promote", promoted?.reason);
  t.diagnostic(`promoted: ${promoted?.reason}; agreement ${s.comparison.agreement}`);
  assert.equal(await served(), challenger);
  assert.equal((await shadowNow()).active, false, "the shadow is the champion now");
  const after1 = (await call("GET", "/v1/retrain/history")).body.events;
  assert.equal(after1[0].kind, "promotion");
  assert.deepEqual(after1[0].payload, { from: champion, to: challenger, run: d.run, stage: "shadow" });
  assert.equal(after1[1].payload.verdict, "promoted");
  assert.equal(after1[1].payload.comparison.labelled, s.comparison.labelled);

  // A deliberately worse challenger (a stump again): the offline gate keeps it out of shadow.
  stump = true;
  const worse = await server.retrainer?.start("test: worse challenger");
  assert.equal(worse?.verdict, "kept", worse?.reason);
  assert.equal((await shadowNow()).active, false);
  assert.equal(await served(), challenger);

  // And one that reaches shadow anyway (as if its offline slice had been lucky): the live evidence
  // rejects it, the shadow stops, and it is never served.
  await server.shadowGate?.begin({ version: champion, champion: challenger, run: "lucky", trigger: "test" });
  assert.equal((await shadowNow()).version, champion);
  await sendReadings(53, 60);
  await server.shadow.idle();
  await sendEvents(53, 60);
  const rejected = await judge();
  assert.equal(rejected?.verdict, "reject", rejected?.reason);
  t.diagnostic(`rejected: ${rejected?.reason}`);
  assert.equal(await served(), challenger, "never promoted");
  assert.equal((await shadowNow()).active, false, "stopped");
  const last = (await call("GET", "/v1/retrain/history")).body.events[0];
  assert.deepEqual([last.kind, last.payload.verdict, last.payload.stage], ["decision", "kept", "shadow"]);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /millwright_retrain_decisions_total\{verdict="shadow"\} 2/);
  assert.match(metrics, /millwright_retrain_decisions_total\{verdict="promoted"\} 1/);
  assert.match(metrics, /millwright_retrain_decisions_total\{verdict="kept"\} 2/);
  const secs = (Date.now() - t0) / 1000;
  assert.ok(secs < 90, `${secs.toFixed(1)} s`);
});
