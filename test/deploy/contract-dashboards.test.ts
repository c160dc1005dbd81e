// The Grafana dashboards show a data-contract model too: every panel of the drift, quality,
// predictions and retraining dashboards has a query that the contract server alone can answer (its
// metrics from src/metrics/contract.ts and monitor.ts; since the AI4I app is gone, every panel), and
// the contract server really exports them: a real model's /metrics after readings, a failure event
// and a monitor run holds every series those panels read.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Registry as PromRegistry } from "prom-client";
import { parse } from "yaml";
import { buildContractApp } from "../../src/serve/contract/app.js";
import { contractMetrics } from "../../src/metrics/contract.js";
import { groupDriftGauges } from "../../src/metrics/group-drift.js";
import { monitorGauges } from "../../src/metrics/shared.js";
import { ContractMonitor } from "../../src/monitor/live/monitor.js";
import { ContractService } from "../../src/serve/contract/contract-service.js";
import { SqliteHistoryLog } from "../../src/store/history/sqlite.js";
import { repoRoot } from "../helpers/exec.js";
import { contract, dashboardQueries, metricNames, problems } from "./monitoring-promql.js";
import { trainedShop } from "../helpers/contract-served.js";

const root = repoRoot();
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML and JSON
type Any = any;
const rules = parse(readFileSync(join(root, "deploy/monitoring/rules.yml"), "utf8"));
const recorded = rules.groups.flatMap((g: Any) => g.rules.filter((r: Any) => r.record));
const declared = new PromRegistry();
contractMetrics(declared);
monitorGauges(declared);
groupDriftGauges(declared);
const KNOWN = contract(declared, recorded);

const dashboards: [string, Any][] = readdirSync(join(root, "deploy/grafana"))
  .filter((f) => f.endsWith(".json"))
  .map((f) => [f, JSON.parse(readFileSync(join(root, "deploy/grafana", f), "utf8"))]);

test("every panel has a query the server answers", () => {
  const empty: string[] = [];
  let checked = 0;
  for (const [file, d] of dashboards)
    for (const p of d.panels) {
      checked++;
      const ok = p.targets.some(
        (t: Any) => problems(KNOWN, `${file} "${p.title}" ${t.refId}`, t.expr).length === 0,
      );
      if (!ok) empty.push(`${file}: "${p.title}"`);
    }
  assert.ok(checked >= 30, `${checked} panels checked`);
  assert.deepEqual(empty, []);
});

let app: FastifyInstance;
let log: SqliteHistoryLog;

before(async () => {
  const shop = trainedShop("mw-dash-");
  const { registry, version: v } = shop;
  log = new SqliteHistoryLog(join(shop.dir, "h.db"));
  const model = shop.model;
  const metricsRegistry = new PromRegistry();
  const monitor = new ContractMonitor(model, registry.versionDir(v), metricsRegistry);
  app = await buildContractApp({
    service: await ContractService.open(model, registry.versionDir(v), log, [monitor]),
    monitor,
    metricsRegistry,
    tokens: { feedback: "t" },
  });
});

after(async () => {
  await app.close();
  await log.close();
});

test("a contract server's /metrics holds the series the drift, quality, predictions and retraining panels read", async () => {
  // Two days of one machine (enough readings for the drift test), then a failure inside the horizon.
  const start = Date.UTC(2027, 0, 1);
  const before = Date.now();
  const readings = Array.from({ length: 150 }, (_, i) => ({
    machine_id: `M${String((i % 3) + 1).padStart(2, "0")}`,
    timestamp: new Date(start + Math.floor(i / 3) * 3600_000).toISOString(),
    spindle_speed: 9000 + (i % 7) * 100,
    spindle_load: 40 + (i % 5),
  }));
  const r = await app.inject({ method: "POST", url: "/v1/predict", payload: readings });
  assert.equal(r.statusCode, 200, r.body);
  const e = await app.inject({
    method: "POST",
    url: "/v1/events",
    headers: { authorization: "Bearer t" },
    payload: {
      events: [
        {
          id: "f1",
          table: "failures",
          machine_id: "M01",
          timestamp: new Date(start + 20 * 3600_000).toISOString(),
          kind: "spindle_bearing",
        },
      ],
    },
  });
  assert.equal(e.statusCode, 200, e.body);
  const text = (await app.inject({ method: "GET", url: "/metrics" })).body;
  const series = new Set(
    text
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.split(/[{ ]/)[0]),
  );
  const want = new Set<string>();
  for (const [file, d] of dashboards) {
    if (!/drift|quality|predictions|retraining/.test(file)) continue;
    for (const [, expr] of dashboardQueries(d))
      for (const n of metricNames(expr)) if (n.startsWith("millwright_") && KNOWN.has(n)) want.add(n);
  }
  // Per-feature series of a drift no reading showed have no sample yet; nor has the estimated
  // quality, exported only from a window with 50 alarms (monitor.ts), nor the drift per group of
  // machines, of a contract with monitor.drift_by (monitor-groups.test.ts). The counters are there
  // from the start, at 0 (trial 8: increase() cannot see a series born at 1).
  const later = [
    "millwright_group_dataset_drift",
    "millwright_group_drift_share",
    "millwright_group_feature_drift_score",
    "millwright_group_feature_drifted",
    "millwright_quality_estimated",
  ];
  const missing = [...want].filter((n) => !series.has(n) && !later.includes(n));
  assert.deepEqual(
    missing,
    [],
    `exported: ${[...series].filter((s) => s.startsWith("millwright_")).join(", ")}`,
  );
  assert.match(text, /millwright_predictions_total\{model_version="1\.0\.0",outcome="(ok|failure)"\} \d+/);
  assert.match(text, /millwright_model_info\{name="historian-fleet",version="1\.0\.0"\} 1/);
  // When the readings were accepted (wall clock): MillwrightReadingsStopped reads it.
  const received = Number(/^millwright_last_reading_received_timestamp_seconds (\S+)$/m.exec(text)?.[1]);
  assert.ok(received >= before / 1000 && received <= Date.now() / 1000, String(received));
  for (const [name, label, value] of [
    ["millwright_retrain_decisions_total", "verdict", "promoted"],
    ["millwright_retrain_decisions_total", "verdict", "kept"],
    ["millwright_retrain_triggers_total", "outcome", "started"],
    ["millwright_feedback_total", "outcome", "accepted"],
  ])
    assert.match(
      text,
      new RegExp(`^${name}\\{${label}="${value}"\\} 0$`, "m"),
      `${name}{${label}="${value}"} at 0`,
    );
  assert.match(
    text,
    /millwright_quality_realised\{metric="f1",window="count"\}|millwright_quality_labels\{window="count"\}/,
  );
});
