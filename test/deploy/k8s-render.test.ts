// Every kustomization renders with `kubectl kustomize` (offline), and every rendered object validates against
// its schema (kubernetes-models, @kubernetes-models/prometheus-operator) with no unknown field.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { INSTALL, repoRoot, requireTool } from "../helpers/exec.js";
import { type KubeObject, kustomize, modelClass, unknownFields, validateObject } from "./k8s-schema.js";

const root = repoRoot();
const KUBECTL = INSTALL.kubectl;
const ENVS = {
  base: "deploy/k8s/base",
  test: "deploy/k8s/overlays/test",
  prod: "deploy/k8s/overlays/prod",
} as const;

const cache = new Map<string, KubeObject[]>();
function render(env: keyof typeof ENVS): KubeObject[] {
  let objects = cache.get(env);
  if (!objects) {
    objects = kustomize(join(root, ENVS[env]));
    cache.set(env, objects);
  }
  return objects;
}

const EXPECTED_KINDS = [
  "AnalysisTemplate",
  "ConfigMap",
  "Deployment",
  "HorizontalPodAutoscaler",
  "NetworkPolicy",
  "PodDisruptionBudget",
  "PrometheusRule",
  "Rollout",
  "Service",
  "ServiceAccount",
  "ServiceMonitor",
];

for (const env of Object.keys(ENVS) as Array<keyof typeof ENVS>) {
  test(`${env}: renders every expected kind and no Secret`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const objects = render(env);
    const kinds = [...new Set(objects.map((o) => o.kind))].sort();
    assert.deepEqual(kinds, EXPECTED_KINDS);
    // secrets are created out of band and referenced, never rendered from Git
    assert.equal(objects.filter((o) => o.kind === "Secret").length, 0);
    const names = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    assert.equal(new Set(names).size, names.length, `duplicate objects: ${names.join(", ")}`);
  });

  test(`${env}: every object validates against its schema, with no unknown field`, async (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const problems: string[] = [];
    for (const obj of render(env)) problems.push(...(await validateObject(obj)));
    assert.deepEqual(problems, []);
  });
}

for (const [env, namespace] of [
  ["test", "millwright-test"],
  ["prod", "millwright-prod"],
] as const) {
  test(`${env}: every object lands in namespace ${namespace}`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    for (const obj of render(env)) {
      assert.equal(obj.metadata?.namespace, namespace, `${obj.kind}/${obj.metadata?.name}`);
    }
  });
}

test("the strict check catches misspelled fields at any depth, and the model catches wrong types", async (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const deployment = structuredClone(render("base").find((o) => o.kind === "Deployment"));
  assert.ok(deployment);
  const cls = await modelClass(deployment.apiVersion, deployment.kind);
  assert.deepEqual(unknownFields(cls, deployment), []);

  const spec = deployment.spec as {
    replica?: number;
    template: { spec: { containers: Array<Record<string, unknown>> } };
  };
  (deployment as Record<string, unknown>).spce = {};
  spec.replica = 3;
  spec.template.spec.containers[0].imagePullPolcy = "Always";
  (spec.template.spec.containers[0].securityContext as Record<string, unknown>).readOnlyRootFileSystem = true;
  assert.deepEqual(unknownFields(cls, deployment), [
    "/spce",
    "/spec/replica",
    "/spec/template/spec/containers/0/imagePullPolcy",
    "/spec/template/spec/containers/0/securityContext/readOnlyRootFileSystem",
  ]);
  // maps (labels, ConfigMap data) accept any key: they are not reported
  const configMap = render("base").find((o) => o.metadata?.name === "millwright-config");
  assert.ok(configMap);
  assert.deepEqual(await validateObject(configMap), []);

  // a CRD from the prometheus-operator models, misspelled
  const monitor = structuredClone(render("base").find((o) => o.kind === "ServiceMonitor"));
  assert.ok(monitor);
  (monitor.spec as { endpoints: Array<Record<string, unknown>> }).endpoints[0].intervall = "30s";
  assert.deepEqual(await validateObject(monitor), [
    "ServiceMonitor/millwright: unknown field /spec/endpoints/0/intervall",
  ]);

  // Argo Rollouts' CRDs go to their own models: a misspelled canary field and a wrong type are caught
  const rollout = structuredClone(render("prod").find((o) => o.kind === "Rollout"));
  assert.ok(rollout);
  assert.deepEqual(await validateObject(rollout), []);
  const canary = (rollout.spec as { strategy: { canary: Record<string, unknown> } }).strategy.canary;
  canary.stableServce = canary.stableService;
  assert.deepEqual(await validateObject(rollout), [
    "Rollout/millwright: unknown field /spec/strategy/canary/stableServce",
  ]);
  const template = structuredClone(render("prod").find((o) => o.kind === "AnalysisTemplate"));
  assert.ok(template);
  (template.spec as { metrics: Array<Record<string, unknown>> }).metrics[0].failureLimit = [1];
  const templateProblems = await validateObject(template);
  assert.equal(templateProblems.length, 1, templateProblems.join("; "));
  assert.match(templateProblems[0], /failureLimit/);

  // wrong type: kubernetes-models' own validation
  const typed = structuredClone(render("base").find((o) => o.kind === "Deployment"));
  assert.ok(typed);
  (typed.spec as Record<string, unknown>).replicas = "two";
  const problems = await validateObject(typed);
  assert.equal(problems.length, 1);
  assert.match(problems[0], /replicas/);
});

test("a kind without a schema is an error, not a silent pass", async () => {
  await assert.rejects(() => modelClass("example.com/v1", "Widget"), /no schema for example.com\/v1 Widget/);
});
