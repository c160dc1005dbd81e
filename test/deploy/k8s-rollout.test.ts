// Policy checks on the Argo Rollouts side of the rendered manifests (issue 19): the Rollout runs the
// Deployment's pod template with canary steps (10 % -> 50 % -> manual gate -> 100 % in prod, one fast step in
// test), a background analysis made of every rendered AnalysisTemplate, stable and canary Services, and a
// role label that reaches Prometheus. The queries themselves are run against a real Prometheus in
// canary-analysis.test.ts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Registry } from "prom-client";
import { contractMetrics } from "../../src/metrics/contract.js";
import { monitorGauges } from "../../src/metrics/shared.js";
import { INSTALL, repoRoot, requireTool } from "../helpers/exec.js";
import { CONDITION, parseCondition } from "./canary-condition.js";
import { type KubeObject, kustomize } from "./k8s-schema.js";

const root = repoRoot();
const KUBECTL = INSTALL.kubectl;
const ENVS = ["base", "test", "prod"] as const;
const dir = (env: string) => join(root, env === "base" ? "deploy/k8s/base" : `deploy/k8s/overlays/${env}`);

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML; the schema tests type them
type Any = any;
const cache = new Map<string, KubeObject[]>();
function render(env: string): KubeObject[] {
  if (!cache.has(env)) cache.set(env, kustomize(dir(env)));
  return cache.get(env) as KubeObject[];
}
const named = (env: string, kind: string, name: string): Any => {
  const found = render(env).filter((o) => o.kind === kind && o.metadata?.name === name);
  assert.equal(found.length, 1, `exactly one ${kind}/${name}`);
  return found[0];
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const pauseSeconds = (d: string) => {
  const m = /^(\d+)(s|m|h)$/.exec(d);
  assert.ok(m, `pause duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
};

for (const env of ENVS) {
  test(`${env}: the Rollout runs the Deployment's template; the Deployment runs no pod`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const rollout = named(env, "Rollout", "millwright");
    const deployment = named(env, "Deployment", "millwright");
    assert.deepEqual(rollout.spec.workloadRef, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "millwright",
    });
    assert.equal(rollout.spec.template, undefined, "one pod template, on the Deployment");
    assert.equal(deployment.spec.replicas, 0, "no pods beside the Rollout's");
    assert.deepEqual(rollout.spec.selector, deployment.spec.selector);
    assert.ok(selects(rollout.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
    assert.equal(rollout.spec.progressDeadlineAbort, true, "a canary that never gets ready is rolled back");
  });

  test(`${env}: stable and canary Services, role labels on the pods, the role carried into every series`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const canary = named(env, "Rollout", "millwright").spec.strategy.canary;
    const podLabels = named(env, "Deployment", "millwright").spec.template.metadata.labels;
    const monitor = named(env, "ServiceMonitor", "millwright");
    for (const side of ["stable", "canary"]) {
      const service = named(env, "Service", canary[`${side}Service`]);
      assert.ok(selects(service.spec.selector, podLabels), `${side} Service selects the pods`);
      assert.equal(service.spec.ports[0].targetPort, "http");
      // the ServiceMonitor must not select it: each pod would be scraped twice, under two job names
      assert.ok(!selects(monitor.spec.selector.matchLabels, service.metadata.labels), `${side}: not scraped`);
      assert.deepEqual(canary[`${side}Metadata`], { labels: { role: side } });
    }
    const main = named(env, "Service", "millwright");
    assert.ok(selects(monitor.spec.selector.matchLabels, main.metadata.labels));
    assert.deepEqual(monitor.spec.endpoints[0].relabelings, [
      { sourceLabels: ["__meta_kubernetes_pod_label_role"], targetLabel: "role", action: "replace" },
    ]);
  });

  test(`${env}: the background analysis uses every AnalysisTemplate, for the Rollout's own namespace`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const analysis = named(env, "Rollout", "millwright").spec.strategy.canary.analysis;
    const templates = render(env).filter((o) => o.kind === "AnalysisTemplate") as Any[];
    assert.deepEqual(
      analysis.templates.map((t: Any) => t.templateName).sort(),
      templates.map((t) => t.metadata.name).sort(),
    );
    assert.deepEqual(analysis.templates.map((t: Any) => t.templateName).sort(), [
      "millwright-canary-errors",
      "millwright-canary-latency",
      "millwright-canary-log-commit",
      "millwright-canary-scores",
    ]);
    assert.equal(analysis.startingStep, 1, "from the first weight on");
    assert.deepEqual(analysis.args, [
      { name: "namespace", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    ]);
    for (const tpl of templates) assert.deepEqual(tpl.spec.args, [{ name: "namespace" }], tpl.metadata.name);
  });
}

test("prod: 10 % -> 50 % -> a manual gate -> 100 %, with timed pauses for the analysis between", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const steps = named("prod", "Rollout", "millwright").spec.strategy.canary.steps;
  assert.deepEqual(steps, [
    { setWeight: 10 },
    { pause: { duration: "5m" } },
    { setWeight: 50 },
    { pause: { duration: "5m" } },
    { pause: {} },
    { setWeight: 100 },
  ]);
  // every timed pause outlasts the analysis' failure budget: at least 3 one-minute measurements
  for (const s of steps.filter((x: Any) => x.pause?.duration) as Any[])
    assert.ok(pauseSeconds(s.pause.duration) >= 180, JSON.stringify(s));
});

test("test: a fast rollout, no manual gate, the same analysis", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const canary = named("test", "Rollout", "millwright").spec.strategy.canary;
  assert.ok(
    canary.steps.every((s: Any) => s.pause === undefined || s.pause.duration),
    "no manual pause",
  );
  const paused = canary.steps
    .filter((s: Any) => s.pause)
    .reduce((sum: number, s: Any) => sum + pauseSeconds(s.pause.duration), 0);
  assert.ok(paused > 0 && paused <= 120, `test pauses ${paused} s in all`);
  assert.equal(canary.steps.at(-1).setWeight, 100);
  const prod = named("prod", "Rollout", "millwright").spec.strategy.canary;
  assert.deepEqual(canary.analysis, prod.analysis);
});

test("every analysis metric: a condition the test can evaluate, a failure budget, Millwright's real metrics", async (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  // the names the server exports (its own and its monitor's)
  const registry = new Registry();
  contractMetrics(registry);
  monitorGauges(registry);
  const exported = new Set(
    (await registry.getMetricsAsJSON()).flatMap((m) =>
      String(m.type) === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
    ),
  );
  const templates = render("prod").filter((o) => o.kind === "AnalysisTemplate") as Any[];
  let count = 0;
  for (const tpl of templates) {
    for (const m of tpl.spec.metrics) {
      const where = `${tpl.metadata.name}/${m.name}`;
      count++;
      assert.match(m.successCondition, CONDITION, `${where}: condition of the form result[0] <op> number`);
      assert.ok(parseCondition(m.successCondition), where);
      assert.equal(m.interval, "1m", where);
      assert.ok(Number.isInteger(m.failureLimit) && m.failureLimit <= 2, `${where}: failureLimit`);
      const p = m.provider.prometheus;
      assert.match(p.address, /^http:\/\/kube-prometheus-stack-prometheus\.monitoring\.svc/, where);
      assert.match(p.query, /role="canary"/, `${where}: reads the canary`);
      for (const selector of p.query.matchAll(/(millwright_[a-z_]+)\{((?:[^}]|\}\})*)\}(?!\})/g)) {
        assert.ok(exported.has(selector[1]), `${where}: ${selector[1]} is a metric the server exports`);
        assert.match(
          selector[2],
          /^job="millwright", namespace="\{\{args\.namespace\}\}", role="(canary|stable)"/,
        );
      }
    }
  }
  assert.ok(count >= 5, `${count} metrics`);
});
