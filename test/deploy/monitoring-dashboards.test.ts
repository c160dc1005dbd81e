// Grafana dashboards are valid JSON dashboards, and every PromQL query in them and in the alert rules uses
// only metric names and labels the server declares, so dashboards, rules and code cannot drift apart silently.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Registry } from "prom-client";
import { parse, stringify } from "yaml";
import { contractMetrics } from "../../src/metrics/contract.js";
import { groupDriftGauges } from "../../src/metrics/group-drift.js";
import { monitorGauges } from "../../src/metrics/shared.js";
import { INSTALL, repoRoot, requireTool, run } from "../helpers/exec.js";
import { contract, dashboardQueries, metricNames, problems as problemsIn } from "./monitoring-promql.js";

const root = repoRoot();

// The metrics and labels come from the server's own declarations (src/metrics/contract.ts, with
// prom-client's defaults, and the monitor's gauges, metrics/shared.ts), so a renamed
// metric or label breaks this test instead of a dashboard. contract-dashboards.test.ts checks that a
// contract server alone fills the model panels.
const registry = new Registry();
contractMetrics(registry);
monitorGauges(registry);
// The contract monitor's drift per group of machines (monitor/live/monitor.ts sets both).
groupDriftGauges(registry);
const rulesDoc = parse(readFileSync(join(root, "deploy/monitoring/rules.yml"), "utf8"));
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML and JSON
type Any = any;
const recorded = rulesDoc.groups.flatMap((g: Any) => g.rules.filter((r: Any) => r.record));
const KNOWN = contract(registry, recorded);
const problems = (where: string, expr: string) => problemsIn(KNOWN, where, expr);

test("problems() reports a misspelled metric and a label the metric does not have", () => {
  assert.deepEqual(problems("q", 'sum(rate(millwright_predictons_total{job="millwright"}[5m]))'), [
    "q: unknown metric millwright_predictons_total",
  ]);
  assert.deepEqual(
    problems("q", 'sum(rate(millwright_http_request_duration_seconds_count{status="500"}[5m]))'),
    ["q: millwright_http_request_duration_seconds_count has no label status"],
  );
  assert.deepEqual(
    problems(
      "q",
      'histogram_quantile(0.9, rate(millwright_failure_probability_bucket{le="0.5", model_version!=""}[5m]))',
    ),
    [],
  );
});

test("metricNames finds selectors and skips functions, labels, keywords, strings and variables", () => {
  assert.deepEqual(
    metricNames(
      'histogram_quantile(0.99, sum by (le, route) (rate(millwright_http_request_duration_seconds_bucket{job="millwright", route=~"up|down"}[$__rate_interval])))',
    ),
    ["millwright_http_request_duration_seconds_bucket"],
  );
  assert.deepEqual(
    metricNames("a_total / on (metric) group_left () b:rec and ignoring (x) c > bool 1e3 offset 5m"),
    ["a_total", "b:rec", "c"],
  );
  assert.deepEqual(metricNames("time() - max without (instance) (x_seconds)"), ["x_seconds"]);
  assert.deepEqual(metricNames("sum(millwright_predictons_total)"), ["millwright_predictons_total"]);
});

// Grafana's own placeholder syntax, not a template string.
const DATASOURCE = { type: "prometheus", uid: "$" + "{datasource}" };
const files = readdirSync(join(root, "deploy/grafana"))
  .filter((f) => f.endsWith(".json"))
  .sort();
const dashboards: Array<[string, Any]> = files.map((f) => [
  f,
  JSON.parse(readFileSync(join(root, "deploy/grafana", f), "utf8")),
]);

const queries = (d: Any) => {
  const found = dashboardQueries(d);
  for (const [where, expr] of found) {
    assert.ok(
      !where.startsWith("variable") || !expr.startsWith("label_values"),
      `${where}: label_values(selector, label)`,
    );
  }
  return found;
};

test("there are dashboards for the service, predictions, drift, quality and retraining", () => {
  const uids = dashboards.map(([, d]) => d.uid).sort();
  assert.deepEqual(uids, [
    "millwright-canary",
    "millwright-drift",
    "millwright-predictions",
    "millwright-quality",
    "millwright-retraining",
    "millwright-service",
  ]);
});

for (const [file, d] of dashboards) {
  test(`${file}: a Grafana dashboard with a uid, a datasource variable and well-formed panels`, () => {
    assert.equal(`${d.uid}.json`, file);
    assert.ok(d.uid.length <= 40, "Grafana uids are at most 40 characters");
    assert.ok(typeof d.title === "string" && d.title.startsWith("Millwright / "));
    assert.ok(Number.isInteger(d.schemaVersion) && d.schemaVersion >= 36, `schemaVersion ${d.schemaVersion}`);
    const ds = d.templating.list.find((v: Any) => v.name === "datasource");
    assert.equal(ds?.type, "datasource");
    assert.equal(ds?.query, "prometheus");
    assert.ok(d.panels.length >= 3);
    const ids = new Set<number>();
    for (const p of d.panels) {
      assert.ok(!ids.has(p.id), `panel id ${p.id} unique`);
      ids.add(p.id);
      assert.ok(p.title, "panel has a title");
      assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${p.title} fits the 24-column grid`);
      assert.deepEqual(p.datasource, DATASOURCE, p.title);
      assert.ok(p.targets.length > 0, `${p.title} has queries`);
      for (const t of p.targets) {
        assert.deepEqual(t.datasource, DATASOURCE, `${p.title} ${t.refId}`);
        assert.match(t.refId, /^[A-Z]$/);
        assert.ok(t.expr.trim().length > 0);
      }
    }
  });

  test(`${file}: every query uses only metrics and labels the server exports`, () => {
    assert.deepEqual(
      queries(d).flatMap(([where, expr]) => problems(where, expr)),
      [],
    );
  });
}

test("alert and recording rules use only metrics and labels the server exports", () => {
  const found = rulesDoc.groups.flatMap((g: Any) =>
    g.rules.flatMap((r: Any) => problems(r.alert ?? r.record, r.expr)),
  );
  assert.deepEqual(found, []);
});

test("every millwright_* metric the server exports is on a dashboard or in a rule", () => {
  const used = new Set<string>();
  for (const [, d] of dashboards) for (const [, e] of queries(d)) for (const n of metricNames(e)) used.add(n);
  for (const g of rulesDoc.groups) for (const r of g.rules) for (const n of metricNames(r.expr)) used.add(n);
  const unused = registry
    .getMetricsAsArray()
    .map((m) => m.name)
    .filter((n) => n.startsWith("millwright_"))
    .filter((n) => ![n, `${n}_bucket`, `${n}_sum`, `${n}_count`].some((v) => used.has(v)));
  assert.deepEqual(unused, []);
});

test("the dashboards cover what they promise", () => {
  const used = (uid: string) =>
    new Set(queries(dashboards.find(([, d]) => d.uid === uid)?.[1]).flatMap(([, e]) => metricNames(e)));
  const exprs = (uid: string) =>
    queries(dashboards.find(([, d]) => d.uid === uid)?.[1])
      .map(([, e]) => e)
      .join("\n");
  for (const q of ["0.5", "0.95", "0.99"]) {
    assert.match(
      exprs("millwright-service"),
      new RegExp(`histogram_quantile\\(${q.replace(".", "\\.")}, sum by \\(le\\)`),
    );
  }
  assert.match(exprs("millwright-service"), /status_code=~"5\.\."/);
  const want: Record<string, string[]> = {
    "millwright-predictions": ["millwright_predictions_total", "millwright_failure_probability_bucket"],
    "millwright-drift": [
      "millwright_feature_drift_score",
      "millwright_feature_drifted",
      "millwright_dataset_drift_share",
    ],
    "millwright-quality": [
      "millwright_quality_realised",
      "millwright_quality_estimated",
      "millwright:quality_floor",
    ],
    "millwright-retraining": [
      "millwright_retrain_triggers_total",
      "millwright_retrain_decisions_total",
      "millwright_model_info",
    ],
  };
  for (const [uid, names] of Object.entries(want)) {
    for (const n of names) assert.ok(used(uid).has(n), `${uid} uses ${n}`);
  }
  // the canary dashboard: every panel compares the two sides of an Argo Rollouts canary, on the series the
  // AnalysisTemplates judge (request rate, 5xx, p99, score distribution)
  const canary = dashboards.find(([, d]) => d.uid === "millwright-canary")?.[1];
  for (const p of canary.panels) {
    assert.match(p.title, /stable vs canary|by side/, p.title);
    for (const t of p.targets)
      assert.match(t.expr, /by \((le, )?role(, version)?\)/, `${p.title}: split by role`);
  }
  const canaryExprs = exprs("millwright-canary");
  assert.match(canaryExprs, /status_code=~"5\.\."/);
  assert.match(
    canaryExprs,
    /histogram_quantile\(0\.99, sum by \(le, role\) \(rate\(millwright_http_request_duration_seconds_bucket/,
  );
  for (const n of [
    "millwright_failure_probability_bucket",
    "millwright_failure_probability_sum",
    "millwright_predictions_total",
  ])
    assert.ok(used("millwright-canary").has(n), `millwright-canary uses ${n}`);
});

test("every dashboard query is valid PromQL (promtool parses them as recording rules)", (t) => {
  if (!requireTool(t, "promtool", INSTALL.promtool)) return;
  // Grafana substitutes its variables before Prometheus sees a query; do the same with plausible values.
  const vars: Record<string, string> = {
    __rate_interval: "1m",
    __range: "1h",
    namespace: ".*",
    window: "count",
  };
  const rules = dashboards.flatMap(([file, d]) =>
    queries(d).map(([where, expr], i) => ({
      record: `dashboard:${file.replace(/\W/g, "_")}:${i}`,
      expr: expr.replace(/\$\{?(\w+)\}?/g, (_m, v: string) => {
        assert.ok(v in vars, `${file} ${where}: unknown variable $${v}`);
        return vars[v];
      }),
    })),
  );
  const dir = mkdtempSync(join(tmpdir(), "millwright-dash-"));
  try {
    writeFileSync(join(dir, "dashboards.rules.yml"), stringify({ groups: [{ name: "dashboards", rules }] }));
    const res = run("promtool", ["check", "rules", join(dir, "dashboards.rules.yml")]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
