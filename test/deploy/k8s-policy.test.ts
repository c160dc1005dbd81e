// Policy checks on the rendered manifests: what a reviewer would insist on for every container, the wiring
// between objects (selectors, ports, secrets), and the prod image pin.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { INSTALL, repoRoot, requireTool } from "../helpers/exec.js";
import { type KubeObject, kustomize } from "./k8s-schema.js";

const root = repoRoot();
const KUBECTL = INSTALL.kubectl;
const IMAGE = "ghcr.io/millwright-mlops/millwright";
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;
const ENVS = ["base", "test", "prod"] as const;
const dir = (env: string) => join(root, env === "base" ? "deploy/k8s/base" : `deploy/k8s/overlays/${env}`);

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML; the schema tests type them
type Any = any;
const cache = new Map<string, KubeObject[]>();
function render(env: string): KubeObject[] {
  if (!cache.has(env)) cache.set(env, kustomize(dir(env)));
  return cache.get(env) as KubeObject[];
}
const one = (objects: KubeObject[], kind: string): Any => {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0];
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

for (const env of ENVS) {
  test(`${env}: every container has requests, limits, probes and the restricted security context`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const pod = one(render(env), "Deployment").spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    const containers: Any[] = [...pod.containers, ...(pod.initContainers ?? [])];
    assert.ok(containers.length > 0);
    for (const c of containers) {
      for (const kind of ["requests", "limits"]) {
        for (const res of ["cpu", "memory"])
          assert.ok(c.resources?.[kind]?.[res], `${c.name}: ${kind}.${res}`);
      }
      assert.equal(c.livenessProbe?.httpGet?.path, "/v2/health/live", `${c.name}: liveness`);
      assert.equal(c.readinessProbe?.httpGet?.path, "/v2/health/ready", `${c.name}: readiness`);
      const sc = c.securityContext ?? {};
      assert.equal(sc.runAsNonRoot, true, `${c.name}: runAsNonRoot`);
      assert.equal(sc.runAsUser, 1000, `${c.name}: runAsUser`);
      assert.equal(sc.readOnlyRootFilesystem, true, `${c.name}: readOnlyRootFilesystem`);
      assert.equal(sc.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation`);
      assert.deepEqual(sc.capabilities?.drop, ["ALL"], `${c.name}: capabilities`);
      assert.equal(sc.capabilities?.add, undefined, `${c.name}: no added capability`);
      assert.equal(sc.seccompProfile?.type, "RuntimeDefault", `${c.name}: seccomp`);
      // the writable paths of the read-only image are emptyDir volumes
      for (const path of ["/tmp", "/var/lib/millwright"]) {
        const mount = (c.volumeMounts ?? []).find((m: Any) => m.mountPath === path);
        assert.ok(mount, `${c.name}: ${path} mounted`);
        const volume = pod.volumes.find((v: Any) => v.name === mount.name);
        assert.ok(volume?.emptyDir, `${c.name}: ${path} is an emptyDir`);
      }
    }
  });

  test(`${env}: graceful stop outlasts preStop plus the server's ~10 s drain`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const pod = one(render(env), "Deployment").spec.template.spec;
    const preStop = pod.containers[0].lifecycle?.preStop?.sleep?.seconds;
    assert.ok(preStop >= 1 && preStop <= 10, `preStop sleep ${preStop}`);
    assert.ok(
      pod.terminationGracePeriodSeconds >= preStop + 15,
      `grace ${pod.terminationGracePeriodSeconds}`,
    );
    assert.ok(pod.terminationGracePeriodSeconds <= 60);
  });

  test(`${env}: images are the Millwright image with a semver tag, never latest`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const pod = one(render(env), "Deployment").spec.template.spec;
    for (const c of pod.containers) {
      const at = c.image.lastIndexOf(":");
      assert.ok(at > 0, `${c.image} has a tag`);
      assert.equal(c.image.slice(0, at), IMAGE);
      assert.match(c.image.slice(at + 1), SEMVER);
      assert.notEqual(c.image.slice(at + 1), "latest");
    }
  });

  test(`${env}: Service, ServiceMonitor, HPA, PDB and NetworkPolicy all point at the Deployment's pods`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const objects = render(env);
    const deployment = one(objects, "Deployment");
    const podLabels = deployment.spec.template.metadata.labels;
    assert.ok(selects(deployment.spec.selector.matchLabels, podLabels));
    const container = deployment.spec.template.spec.containers[0];
    // the main Service; the Rollout's stable and canary Services are checked in k8s-rollout.test.ts
    const service: Any = objects.find((o) => o.kind === "Service" && o.metadata?.name === "millwright");
    assert.ok(service, "Service millwright");
    assert.ok(selects(service.spec.selector, podLabels), "Service selects the pods");
    const port = service.spec.ports.find((p: Any) => p.name === "http");
    assert.equal(port.port, 80);
    const target = container.ports.find((p: Any) => p.name === port.targetPort);
    assert.equal(target?.containerPort, 8080, "Service targets the container's http port");
    const monitor = one(objects, "ServiceMonitor");
    assert.ok(
      selects(monitor.spec.selector.matchLabels, service.metadata.labels),
      "ServiceMonitor selects the Service",
    );
    assert.deepEqual(
      monitor.spec.endpoints.map((e: Any) => [e.port, e.path]),
      [["http", "/metrics"]],
    );
    // Prometheus Operator names the job after the Service: the rules select job="millwright"
    assert.equal(service.metadata.name, "millwright");
    const hpa = one(objects, "HorizontalPodAutoscaler");
    // the HPA scales the Rollout that runs the pods (the Deployment only holds their template)
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      name: "millwright",
    });
    assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas >= hpa.spec.minReplicas);
    assert.equal(hpa.spec.metrics[0].resource.name, "cpu");
    const pdb = one(objects, "PodDisruptionBudget");
    assert.ok(selects(pdb.spec.selector.matchLabels, podLabels), "PDB selects the pods");
    assert.ok(
      pdb.spec.minAvailable >= 1 && pdb.spec.minAvailable < hpa.spec.minReplicas,
      "PDB leaves room to drain",
    );
    const policy = one(objects, "NetworkPolicy");
    assert.ok(selects(policy.spec.podSelector.matchLabels, podLabels), "NetworkPolicy selects the pods");
    assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
    assert.deepEqual(
      policy.spec.ingress.flatMap((r: Any) => r.ports.map((p: Any) => p.port)),
      [8080],
    );
    const froms = policy.spec.ingress[0].from;
    assert.ok(
      froms.some(
        (f: Any) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring",
      ),
    );
    assert.ok(
      froms.some(
        (f: Any) => f.podSelector && Object.keys(f.podSelector).length === 0 && !f.namespaceSelector,
      ),
    );
    const egress = policy.spec.egress
      .flatMap((r: Any) => r.ports.map((p: Any) => `${p.protocol}/${p.port}`))
      .sort();
    assert.deepEqual(egress, ["TCP/443", "TCP/53", "TCP/5432", "UDP/53"]);
    const account = one(objects, "ServiceAccount");
    assert.equal(deployment.spec.template.spec.serviceAccountName, account.metadata.name);
    assert.equal(account.automountServiceAccountToken, false);
  });

  test(`${env}: secrets are referenced by the contract's names and keys, never inlined`, (t) => {
    if (!requireTool(t, "kubectl", KUBECTL)) return;
    const objects = render(env);
    const container = one(objects, "Deployment").spec.template.spec.containers[0];
    const refs = Object.fromEntries(
      container.env
        .filter((e: Any) => e.valueFrom?.secretKeyRef)
        .map((e: Any) => [e.name, `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]),
    );
    assert.deepEqual(refs, {
      DATABASE_URL: "millwright-db/url",
      MILLWRIGHT_ADMIN_TOKEN: "millwright-tokens/admin",
      MILLWRIGHT_FEEDBACK_TOKEN: "millwright-tokens/feedback",
      MILLWRIGHT_HOOK_TOKEN: "millwright-tokens/hook",
      GITHUB_TOKEN: "millwright-github/token",
    });
    // nothing secret-looking is a literal, in env or in the ConfigMap
    const literal = container.env.filter((e: Any) => e.value !== undefined).map((e: Any) => e.name);
    assert.deepEqual(literal, []);
    const config = objects.find((o) => o.metadata?.name === "millwright-config") as Any;
    assert.deepEqual(
      Object.keys(config.data).filter((k) => /TOKEN|PASSWORD|SECRET|DATABASE_URL/.test(k)),
      [],
    );
    assert.ok(["local", "github"].includes(config.data.MILLWRIGHT_RETRAIN_MODE));
    assert.deepEqual(container.envFrom, [{ configMapRef: { name: "millwright-config" } }]);
    // the README tells how to create each referenced secret
    const readme = readFileSync(join(root, "deploy/k8s/README.md"), "utf8");
    for (const name of new Set(Object.values(refs).map((r) => String(r).split("/")[0]))) {
      assert.match(readme, new RegExp(`kubectl -n "\\$NS" create secret generic ${name}`), name);
    }
  });
}

test("prod runs more replicas and bigger pods than test", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const testPod = one(render("test"), "Deployment");
  const prodPod = one(render("prod"), "Deployment");
  // the Rollout runs the replicas; the Deployment runs none (k8s-rollout.test.ts)
  assert.equal(one(render("test"), "Rollout").spec.replicas, 2);
  assert.equal(one(render("prod"), "Rollout").spec.replicas, 3);
  assert.equal(one(render("prod"), "HorizontalPodAutoscaler").spec.minReplicas, 3);
  assert.equal(prodPod.spec.template.spec.containers[0].resources.limits.memory, "1Gi");
  assert.equal(testPod.spec.template.spec.containers[0].resources.limits.memory, "512Mi");
});

test("Grafana dashboards are ConfigMaps for the sidecar, generated from deploy/grafana/*.json unchanged", (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const files = readdirSync(join(root, "deploy/grafana"))
    .filter((f) => f.endsWith(".json"))
    .sort();
  assert.ok(files.length >= 5, `dashboards: ${files.join(", ")}`);
  for (const env of ENVS) {
    const dashboards = render(env).filter((o) => o.metadata?.labels?.grafana_dashboard === "1") as Any[];
    const keys = dashboards.flatMap((d) => Object.keys(d.data)).sort();
    assert.deepEqual(keys, files, `${env}: one ConfigMap key per dashboard file`);
    for (const d of dashboards) {
      assert.equal(d.kind, "ConfigMap");
      for (const [file, text] of Object.entries(d.data)) {
        assert.equal(
          text,
          readFileSync(join(root, "deploy/grafana", file), "utf8"),
          `${env}: ${file} is a copy`,
        );
      }
    }
  }
});

test("the ConfigMap holds only settings the server reads, with values it accepts", async (t) => {
  if (!requireTool(t, "kubectl", KUBECTL)) return;
  const { readConfig } = await import("../../src/cli/config.js");
  const source = readFileSync(join(root, "src/cli/config.ts"), "utf8");
  const rules = readFileSync(join(root, "deploy/monitoring/rules.yml"), "utf8");
  const minLabels = /record: millwright:quality_min_labels\s+expr: vector\((\d+)\)/.exec(rules)?.[1];
  for (const env of ENVS) {
    const data: Record<string, string> = (
      render(env).find((o) => o.metadata?.name === "millwright-config") as Any
    ).data;
    for (const key of Object.keys(data))
      assert.match(source, new RegExp(`\\b${key}\\b`), `${env}: src/cli/config.ts reads ${key}`);
    const config = readConfig({ ...data, DATABASE_URL: "postgres://x@db/millwright" });
    assert.equal(config.retrain.mode, "github");
    assert.equal(config.retrain.githubRepo, "millwright-mlops/millwright");
    // the alert's minimum and the server's "not enough data" minimum are the same number
    assert.equal(String(config.quality.minLabels), minLabels, `${env}: quality min labels match rules.yml`);
  }
  const testData = (render("test").find((o) => o.metadata?.name === "millwright-config") as Any).data;
  assert.equal(readConfig(testData).monitorIntervalMs, 60_000);
});
