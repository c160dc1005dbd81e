// Argo CD objects: they render, validate against @kubernetes-models/argo-cd with no unknown field, sync test
// by themselves and prod by hand, and the project fences exactly what the overlays deploy.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { INSTALL, repoRoot, requireTool } from "../helpers/exec.js";
import { type KubeObject, kustomize, validateObject } from "./k8s-schema.js";

const root = repoRoot();
const KUBECTL = INSTALL.kubectl;
const CONFIG_REPO = "https://github.com/millwright-mlops/millwright-config.git";

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML; the schema test types them
type Any = any;
let cached: KubeObject[] | undefined;
const objects = (): KubeObject[] => {
  cached ??= kustomize(join(root, "deploy/argocd"));
  return cached;
};
const named = (kind: string, name: string): Any => {
  const found = objects().find((o) => o.kind === kind && o.metadata?.name === name);
  assert.ok(found, `${kind}/${name}`);
  return found;
};

test("deploy/argocd renders the project, both applications and the fleet ApplicationSet in argocd", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  assert.deepEqual(
    objects()
      .map((o) => `${o.kind}/${o.metadata?.name}`)
      .sort(),
    [
      "AppProject/millwright",
      "Application/millwright-prod",
      "Application/millwright-test",
      "ApplicationSet/millwright-fleet",
    ],
  );
  for (const o of objects()) assert.equal(o.metadata?.namespace, "argocd");
});

test("every Argo CD object validates against @kubernetes-models/argo-cd, with no unknown field", async (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const problems: string[] = [];
  for (const o of objects()) problems.push(...(await validateObject(o)));
  assert.deepEqual(problems, []);
  // and a misspelling in an Application is caught
  const app = structuredClone(named("Application", "millwright-test"));
  app.spec.syncPolicy.automated.selfheal = true;
  app.spec.sorce = app.spec.source;
  assert.deepEqual((await validateObject(app)).sort(), [
    "Application/millwright-test: unknown field /spec/sorce",
    "Application/millwright-test: unknown field /spec/syncPolicy/automated/selfheal",
  ]);
});

test("test syncs automatically with prune and self-heal; prod only by hand", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const testApp = named("Application", "millwright-test");
  assert.deepEqual(testApp.spec.syncPolicy.automated, { prune: true, selfHeal: true });
  const prodApp = named("Application", "millwright-prod");
  assert.equal(prodApp.spec.syncPolicy?.automated, undefined);
  for (const [app, env] of [
    [testApp, "test"],
    [prodApp, "prod"],
  ]) {
    assert.equal(app.spec.project, "millwright");
    assert.equal(app.spec.source.repoURL, CONFIG_REPO);
    assert.equal(app.spec.source.path, `deploy/k8s/overlays/${env}`);
    assert.ok(existsSync(join(root, app.spec.source.path, "kustomization.yaml")), app.spec.source.path);
    assert.equal(app.spec.destination.namespace, `millwright-${env}`);
    // the HPA owns replicas: self-heal must not fight it
    assert.deepEqual(app.spec.ignoreDifferences[0].jsonPointers, ["/spec/replicas"]);
    // ... of the Rollout, which runs the pods (the HPA's target)
    assert.deepEqual(
      app.spec.ignoreDifferences.map((d: Any) => `${d.group}/${d.kind}/${d.name}:${d.jsonPointers}`),
      ["apps/Deployment/millwright:/spec/replicas", "argoproj.io/Rollout/millwright:/spec/replicas"],
    );
    assert.ok(
      app.spec.syncPolicy.syncOptions.includes("RespectIgnoreDifferences=true"),
      "sync respects it too",
    );
  }
});

test("the fleet ApplicationSet targets clusters labelled for Millwright and auto-syncs test clusters only", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const set = named("ApplicationSet", "millwright-fleet");
  assert.equal(set.spec.generators.length, 1);
  assert.deepEqual(set.spec.generators[0].clusters.selector.matchLabels, { "millwright.io/enabled": "true" });
  const tpl = set.spec.template.spec;
  assert.equal(tpl.project, "millwright");
  assert.equal(tpl.source.repoURL, CONFIG_REPO);
  assert.match(
    tpl.source.path,
    /^deploy\/k8s\/overlays\/\{\{ index \.metadata\.labels "millwright\.io\/env" \}\}$/,
  );
  assert.equal(tpl.destination.server, "{{ .server }}");
  assert.equal(tpl.syncPolicy.automated, undefined, "the template itself is manual");
  assert.ok(tpl.syncPolicy.syncOptions.includes("RespectIgnoreDifferences=true"));
  assert.match(set.spec.templatePatch, /if eq \(index \.metadata\.labels "millwright\.io\/env"\) "test"/);
  assert.match(set.spec.templatePatch, /automated:\s+prune: true\s+selfHeal: true/);
  // the env label may only name an overlay that exists
  const values: string[] = set.spec.generators[0].clusters.selector.matchExpressions[0].values;
  for (const env of values)
    assert.ok(existsSync(join(root, `deploy/k8s/overlays/${env}/kustomization.yaml`)), env);
});

test("the AppProject allows the config repo, millwright-* namespaces and exactly the kinds the overlays render", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const project = named("AppProject", "millwright");
  assert.deepEqual(project.spec.sourceRepos, [CONFIG_REPO]);
  for (const d of project.spec.destinations) assert.match(d.namespace, /^millwright-/);
  const apps = objects().filter((o) => o.kind === "Application") as Any[];
  for (const app of apps) {
    const ok = project.spec.destinations.some(
      (d: Any) => d.server === app.spec.destination.server && d.namespace === app.spec.destination.namespace,
    );
    assert.ok(ok, `${app.metadata.name}: destination allowed`);
  }
  const allowed = project.spec.namespaceResourceWhitelist.map((r: Any) => `${r.group}/${r.kind}`).sort();
  const rendered = new Set<string>();
  for (const env of ["test", "prod"]) {
    for (const o of kustomize(join(root, `deploy/k8s/overlays/${env}`))) {
      const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
      rendered.add(`${group}/${o.kind}`);
    }
  }
  assert.deepEqual(allowed, [...rendered].sort());
  assert.ok(!allowed.includes("/Secret"), "secrets are never synced from Git");
  assert.deepEqual(project.spec.clusterResourceWhitelist, [{ group: "", kind: "Namespace" }]);
});
