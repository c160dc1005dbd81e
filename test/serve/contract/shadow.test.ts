// Shadow mode on a data-contract server, over HTTP with a real SQLite history log: the admin API
// starts and stops a shadow version; every answered reading is scored by it after the answer (the
// same score the version gives when served), logged beside the champion's, compared live (the
// champion's realised PR-AUC is the monitor's own on the same readings), exported on /metrics; a full
// queue drops and counts.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Registry as PromRegistry } from "prom-client";
import { toColumns } from "../../../src/pipeline/readings.js";
import { fleetToCsv } from "../../../src/data/fleet-csv.js";
import { simulateFleet } from "../../../src/data/simulate.js";
import type { ModelRegistry } from "../../../src/registry/registry.js";
import { trainAndRegister } from "../../../src/registry/training.js";
import { buildContractApp } from "../../../src/serve/contract/app.js";
import type { ContractMonitor } from "../../../src/monitor/live/monitor.js";
import { ContractService } from "../../../src/serve/contract/contract-service.js";
import { ContractShadow } from "../../../src/serve/contract/shadow.js";
import { shadowMetrics } from "../../../src/serve/shadow/metrics.js";
import { SqliteHistoryLog } from "../../../src/store/history/sqlite.js";
import { runCli } from "../../helpers/cli.js";
import { at, hourlyReading, machineIds, serveTwoVersions } from "../../helpers/contract-served.js";

const ADMIN = "admin-token-for-shadow";
const auth = { authorization: `Bearer ${ADMIN}` };
let app: FastifyInstance;
let log: SqliteHistoryLog;
let registry: ModelRegistry;
let dir: string;
let v1: string;
let v2: string;
let service: ContractService;
let monitor: ContractMonitor;
let shadow: ContractShadow;
let prom: PromRegistry;

before(async () => {
  // v2: another model of the same features (a smaller one), so the two score differently.
  ({ dir, registry, v1, v2, log, service, monitor, prom } = await serveTwoVersions("mw-shadow-", {
    nEstimators: 8,
    maxDepth: 2,
  }));
  const gauges = shadowMetrics(prom);
  shadow = new ContractShadow({ registry, service, log, metrics: gauges });
  gauges.follow(() => shadow.summary());
  service.observers.push(shadow);
  app = await buildContractApp({
    service,
    monitor,
    metricsRegistry: prom,
    tokens: { admin: ADMIN, feedback: "f" },
    shadow,
  });
});

after(async () => {
  await app.close();
  await log.close();
});

const machines = machineIds(6);
// Each machine's load apart from the others' (a shift by its number).
const reading = (m: string, h: number) => hourlyReading(m, h, m.charCodeAt(2) * 7);
const post = async (payload: object) => app.inject({ method: "POST", url: "/v1/predict", payload });

test("the admin API refuses without the token, an unknown version, and the champion itself", async () => {
  const none = await app.inject({ method: "POST", url: "/v1/models/shadow", payload: { version: v2 } });
  assert.equal(none.statusCode, 401);
  const unknown = await app.inject({
    method: "POST",
    url: "/v1/models/shadow",
    headers: auth,
    payload: { version: "9.9.9" },
  });
  assert.equal(unknown.statusCode, 404, unknown.body);
  assert.equal(unknown.json().code, "MW_MODEL_NOT_FOUND");
  const champ = await app.inject({
    method: "POST",
    url: "/v1/models/shadow",
    headers: auth,
    payload: { version: v1 },
  });
  assert.equal(champ.statusCode, 409, champ.body);
  assert.match(champ.json().detail, /is the champion/);
  // An AI4I model in the same registry: a 409 naming it, not a 500.
  const rows = simulateFleet({ machines: 4, days: 3, seed: 3 });
  const file = join(dir, "fleet.csv");
  writeFileSync(file, fleetToCsv(rows));
  const ai4i = trainAndRegister(
    registry,
    { rows, data: { file, sha256: "test" } },
    {
      seed: 1,
      params: { nEstimators: 5 },
    },
  ).version;
  const other = await app.inject({
    method: "POST",
    url: "/v1/models/shadow",
    headers: auth,
    payload: { version: ai4i },
  });
  assert.equal(other.statusCode, 409, other.body);
  assert.equal(other.json().code, "MW_CONFLICT");
  assert.match(other.json().detail, new RegExp(`${ai4i.replace(/\./g, "\\.")} is not a data-contract model`));
  const idle = (await app.inject({ url: "/v1/models/shadow" })).json();
  assert.deepEqual([idle.active, idle.version, idle.champion], [false, null, v1]);
});

test("a shadow scores every answered reading as it would serve it, logged beside the champion's and compared", async () => {
  const on = await app.inject({
    method: "POST",
    url: "/v1/models/shadow",
    headers: auth,
    payload: { version: v2 },
  });
  assert.equal(on.statusCode, 200, on.body);
  assert.deepEqual(on.json(), { version: v2, replaced: null, active: true });

  // 60 hours of readings (single and batched); M01 and M02 fail at hour 30.
  const answers: { id: string; failure_probability: number }[] = [];
  for (let h = 0; h < 60; h++) {
    if (h % 2 === 0) {
      for (const m of machines) answers.push((await post(reading(m, h))).json());
    } else answers.push(...(await post(machines.map((m) => reading(m, h)))).json().predictions);
    if (h === 30) {
      const e = await app.inject({
        method: "POST",
        url: "/v1/events",
        headers: { authorization: "Bearer f" },
        payload: {
          events: ["M01", "M02"].map((m) => ({
            id: `f-${m}`,
            table: "failures",
            machine_id: m,
            timestamp: at(30),
            kind: "spindle_bearing",
          })),
        },
      });
      assert.equal(e.statusCode, 200, e.body);
    }
  }
  // The next hour's scores as v2 would serve them, from a service rebuilt under v2 from the log.
  const other = new SqliteHistoryLog(join(dir, "h.db"));
  let expected: number[];
  try {
    const fresh = await ContractService.open(registry.historyModel(v2), registry.versionDir(v2), other);
    const next = machines.map((m) => reading(m, 60));
    expected = Array.from(
      fresh.fleet.score(toColumns(fresh.model.contract, next, false)).heads.machine_failure!,
    );
  } finally {
    await other.close();
  }
  const last = (await post(machines.map((m) => reading(m, 60)))).json().predictions;
  answers.push(...last);
  await shadow.idle();

  const s = (await app.inject({ url: "/v1/models/shadow" })).json();
  assert.equal(s.active, true);
  assert.deepEqual([s.version, s.champion], [v2, v1]);
  assert.deepEqual(
    [s.queue.offered, s.queue.scored, s.queue.dropped, s.queue.waiting, s.queue.log_errors],
    [answers.length, answers.length, 0, 0, 0],
  );
  const c = s.comparison;
  assert.equal(c.n, answers.length);
  assert.ok(c.agreement >= 0 && c.agreement <= 1);
  assert.ok(c.distance.value > 0, "two models score differently");
  // The champion's realised quality on the pairs is the monitor's on the same readings.
  const q = monitor.report().quality;
  assert.equal(c.labelled, q.n);
  assert.ok(c.labelled > 0 && c.positives > 0, `${c.labelled} labelled, ${c.positives} positive`);
  assert.equal(c.champion.pr_auc, q.pr_auc);
  assert.equal(c.champion.recall, q.recall);
  assert.equal(typeof c.shadow.pr_auc, "number");

  // Logged beside the champion's, keyed by the answer's id (the writer thread commits off the path).
  let logged = await log.shadowScores(10_000);
  for (let i = 0; i < 50 && logged.length < answers.length; i++) {
    await new Promise((r) => setTimeout(r, 20));
    logged = await log.shadowScores(10_000);
  }
  assert.deepEqual(
    logged.map((r) => [r.id, r.championProbability, r.championVersion, r.modelVersion]),
    answers.map((a) => [a.id, a.failure_probability, v1, v2]),
  );
  assert.deepEqual(
    logged.slice(-6).map((r) => r.failureProbability),
    expected,
    "the shadow's score is the one v2 gives when served",
  );

  const metrics = (await app.inject({ url: "/metrics" })).body;
  assert.match(metrics, new RegExp(`millwright_shadow_info\\{version="${v2.replace(/\./g, "\\.")}"\\} 1`));
  assert.match(metrics, new RegExp(`millwright_shadow_scored_total ${answers.length}`));
  assert.match(metrics, new RegExp(`millwright_shadow_agreement_ratio ${c.agreement}`));
  assert.match(metrics, /millwright_shadow_score_distance\{stat="jensenshannon"\} 0\.\d+/);
  assert.match(
    metrics,
    new RegExp(`millwright_shadow_quality_realised\\{model="champion",metric="pr_auc"\\} ${q.pr_auc}`),
  );
  assert.match(metrics, new RegExp(`millwright_shadow_labels ${c.labelled}`));

  const off = await app.inject({ method: "DELETE", url: "/v1/models/shadow", headers: auth });
  assert.equal(off.statusCode, 200, off.body);
  assert.deepEqual(off.json(), { stopped: v2, active: false });
  await post(reading("M01", 61));
  await new Promise((r) => setImmediate(r));
  assert.equal((await app.inject({ url: "/v1/models/shadow" })).json().active, false);
  const after = (await app.inject({ url: "/metrics" })).body;
  assert.doesNotMatch(after, /millwright_shadow_info\{/, "no shadow: no info series");
});

test("a shadow that falls behind drops and counts; the answers do not wait for it", async () => {
  const small = new ContractShadow({ registry, service, log, capacity: 10, batch: 10 });
  try {
    await small.start(v2);
    // 6 readings fit; the next 6 in the same turn do not (the queue drains after the turn).
    const [a, b] = await Promise.all([
      post(machines.map((m) => reading(m, 70))),
      post(machines.map((m) => reading(m, 71))),
    ]);
    assert.equal(a.statusCode, 200, a.body);
    assert.equal(b.statusCode, 200, b.body);
    await small.idle();
    const s = small.summary();
    assert.deepEqual([s.queue?.offered, s.queue?.scored, s.queue?.dropped], [12, 6, 6]);
  } finally {
    small.stop();
    service.onScored = null;
  }
});

test("`millwright models shadow` starts and stops it through the admin API, with clear errors", async () => {
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  const env = { MILLWRIGHT_ADMIN_TOKEN: ADMIN };
  const on = await runCli(["models", "shadow", v2, "--url", url], { env });
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, new RegExp(`shadow → ${v2.replace(/\./g, "\\.")}`));
  assert.equal(shadow.version, v2);
  const wrong = await runCli(["models", "shadow", v2, "--url", url, "--token", "nope"]);
  assert.equal(wrong.code, 2, wrong.stderr);
  assert.match(wrong.stderr, /wrong admin token/);
  const both = await runCli(["models", "shadow", v2, "--off", "--url", url], { env });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /a VERSION or --off/);
  const off = await runCli(["models", "shadow", "--off", "--url", url, "--json"], { env });
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(JSON.parse(off.stdout), { stopped: v2, active: false });
  assert.equal(shadow.version, null);
});
