// Terraform here cannot download providers, so no init/validate/plan: this checks what can be
// checked offline. `terraform fmt -check`, then every .tf parsed with @cdktf/hcl2json (HashiCorp's
// HCL parser compiled to wasm) and its structure checked: variables typed, described and declared,
// providers and registry modules pinned, local module calls matching the module's variables and
// outputs, tags/labels on everything that takes them, a remote backend per environment.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { before, test } from "node:test";
import { parse } from "@cdktf/hcl2json";
import { PACKAGE_ROOT } from "../../src/core/version.js";

const ROOT = resolve(PACKAGE_ROOT, "deploy/terraform");
const TERRAFORM = process.env.TERRAFORM_BIN ?? "/usr/local/bin/terraform";

// biome-ignore lint/suspicious/noExplicitAny: hcl2json returns untyped JSON.
type Hcl = Record<string, any>;
interface Dir {
  path: string;
  files: { name: string; text: string; hcl: Hcl }[];
}

const dirs = new Map<string, Dir>();

function tfDirs(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const here = entries.some((e) => e.isFile() && e.name.endsWith(".tf")) ? [dir] : [];
  return [
    ...here,
    ...entries
      .filter((e) => e.isDirectory() && e.name !== ".terraform")
      .flatMap((e) => tfDirs(join(dir, e.name))),
  ];
}

before(async () => {
  for (const path of tfDirs(ROOT)) {
    const files = [];
    for (const name of readdirSync(path).filter((f) => f.endsWith(".tf"))) {
      const text = readFileSync(join(path, name), "utf8");
      files.push({ name, text, hcl: await parse(name, text) });
    }
    dirs.set(relative(ROOT, path), { path, files });
  }
});

/** All blocks of one kind (variable, resource…) in a directory, merged across its files. */
function blocks(d: Dir, kind: string): Hcl {
  return Object.assign({}, ...d.files.map((f) => f.hcl[kind] ?? {}));
}
const first = (v: unknown): Hcl => (Array.isArray(v) ? v[0] : v) as Hcl;
const terraformBlocks = (d: Dir): Hcl[] => d.files.flatMap((f) => f.hcl.terraform ?? []);

test("the layout: three modules and two environment roots", () => {
  assert.deepEqual([...dirs.keys()].sort(), [
    "envs/prod",
    "envs/test",
    "modules/argocd",
    "modules/eks",
    "modules/gke",
  ]);
});

test("terraform fmt -check -recursive passes", {
  // Skips (with the reason) only outside CI; under CI=true a missing terraform fails the test.
  skip:
    !existsSync(TERRAFORM) &&
    process.env.CI !== "true" &&
    `no terraform at ${TERRAFORM} (it comes with the machine image)`,
}, () => {
  // Throws with terraform's list of unformatted files when it exits non-zero.
  execFileSync(TERRAFORM, ["fmt", "-check", "-recursive", "-diff", ROOT], {
    env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
});

test("every variable has a type and a description, and every var.X used is declared", () => {
  for (const [name, d] of dirs) {
    const vars = blocks(d, "variable");
    for (const [v, body] of Object.entries(vars)) {
      assert.ok(first(body).type, `${name}: variable ${v} has no type`);
      assert.ok(
        String(first(body).description ?? "").length > 10,
        `${name}: variable ${v} has no description`,
      );
    }
    for (const f of d.files) {
      for (const m of f.text.matchAll(/\bvar\.([a-zA-Z_][\w-]*)/g)) {
        assert.ok(m[1] in vars, `${name}/${f.name}: var.${m[1]} is not declared`);
      }
    }
  }
});

test("environment inputs are validated", () => {
  for (const name of ["envs/test", "envs/prod"]) {
    const vars = blocks(dirs.get(name)!, "variable");
    const validated = Object.entries(vars).filter(([, b]) => first(b).validation);
    assert.equal(
      validated.length,
      Object.keys(vars).length,
      `${name}: every variable has a validation block`,
    );
  }
});

test("required_version and every provider are pinned with a version constraint", () => {
  for (const [name, d] of dirs) {
    const tf = terraformBlocks(d);
    assert.equal(tf.length, 1, `${name}: one terraform block`);
    assert.match(tf[0].required_version ?? "", />=\s*1\.\d+/, `${name}: required_version`);
    const providers = first(tf[0].required_providers);
    assert.ok(providers && Object.keys(providers).length > 0, `${name}: required_providers`);
    for (const [p, spec] of Object.entries(providers as Hcl)) {
      assert.match(spec.source, /^hashicorp\//, `${name}: provider ${p} source`);
      assert.match(spec.version ?? "", /^~>\s*\d+\.\d+$/, `${name}: provider ${p} must be pinned "~> X.Y"`);
    }
    // Every provider configured or used by a resource is declared in required_providers.
    const used = new Set([
      ...Object.keys(blocks(d, "provider")),
      ...Object.keys(blocks(d, "resource")).map((t) => t.split("_")[0]),
      ...Object.keys(blocks(d, "data")).map((t) => t.split("_")[0]),
    ]);
    for (const p of used)
      assert.ok(p in providers, `${name}: provider ${p} is used but not in required_providers`);
  }
});

test("registry modules are pinned to an exact version; local modules match their interface", () => {
  let registryCalls = 0;
  for (const [name, d] of dirs) {
    for (const [call, body] of Object.entries(blocks(d, "module"))) {
      const m = first(body);
      if (m.source.startsWith("./") || m.source.startsWith("../")) {
        const target = dirs.get(relative(ROOT, resolve(d.path, m.source)));
        assert.ok(target, `${name}: module ${call} source ${m.source} does not exist`);
        const vars = blocks(target, "variable");
        const args = Object.keys(m).filter(
          (k) => !["source", "providers", "depends_on", "count", "for_each"].includes(k),
        );
        for (const a of args)
          assert.ok(a in vars, `${name}: module ${call} passes ${a}, which ${m.source} does not declare`);
        for (const [v, b] of Object.entries(vars)) {
          if (!("default" in first(b)))
            assert.ok(args.includes(v), `${name}: module ${call} misses required ${v}`);
        }
        const outputs = blocks(target, "output");
        for (const f of d.files) {
          for (const ref of f.text.matchAll(new RegExp(`\\bmodule\\.${call}\\.(\\w+)`, "g"))) {
            assert.ok(
              ref[1] in outputs,
              `${name}/${f.name}: module.${call}.${ref[1]} is not an output of ${m.source}`,
            );
          }
        }
      } else {
        registryCalls++;
        assert.match(m.source, /^[\w-]+\/[\w-]+\/(aws|google)$/, `${name}: module ${call} source`);
        assert.match(
          String(m.version ?? ""),
          /^\d+\.\d+\.\d+$/,
          `${name}: module ${call} must pin an exact version`,
        );
      }
    }
  }
  assert.equal(registryCalls, 2, "the EKS module uses the vpc and eks registry modules");
});

test("the Argo CD chart is pinned to an exact version and the cluster carries the ApplicationSet's labels", () => {
  const d = dirs.get("modules/argocd")!;
  const helm = first(blocks(d, "resource").helm_release.argocd);
  assert.equal(helm.chart, "argo-cd");
  assert.match(helm.version, /^\$\{var\.chart_version\}$/);
  assert.match(first(blocks(d, "variable").chart_version).default, /^\d+\.\d+\.\d+$/);
  const labels = first(first(blocks(d, "resource").kubernetes_secret.in_cluster).metadata).labels;
  assert.match(labels, /"millwright\.io\/enabled"\s*=\s*"true"/);
  assert.match(labels, /"argocd\.argoproj\.io\/secret-type"\s*=\s*"cluster"/);
  assert.match(labels, /"millwright\.io\/env"\s*=\s*var\.environment/);
});

// How each taggable resource type takes tags; types that cannot be tagged are listed on purpose,
// so a new resource type fails here until someone decides.
const TAG_PATH: Record<string, (r: Hcl) => unknown> = {
  google_container_cluster: (r) => r.resource_labels,
  google_container_node_pool: (r) => first(r.node_config)?.resource_labels,
  kubernetes_namespace: (r) => first(r.metadata)?.labels,
  kubernetes_secret: (r) => first(r.metadata)?.labels,
};
const UNTAGGABLE = new Set([
  "google_compute_network",
  "google_compute_subnetwork",
  "google_service_account",
  "google_project_iam_member",
  "helm_release",
]);

test("tags and labels are set on everything that takes them", () => {
  for (const [name, d] of dirs) {
    for (const [type, byName] of Object.entries(blocks(d, "resource"))) {
      for (const [rname, body] of Object.entries(byName as Hcl)) {
        if (UNTAGGABLE.has(type)) continue;
        assert.ok(type in TAG_PATH, `${name}: ${type}.${rname}: add its type to TAG_PATH or UNTAGGABLE`);
        assert.ok(TAG_PATH[type](first(body)), `${name}: ${type}.${rname} has no tags/labels`);
      }
    }
    for (const [call, body] of Object.entries(blocks(d, "module"))) {
      const m = first(body);
      if (!m.source.startsWith(".")) assert.ok(m.tags, `${name}: module ${call} (${m.source}) gets no tags`);
    }
  }
  const aws = first(blocks(dirs.get("envs/test")!, "provider").aws);
  assert.ok(first(aws.default_tags)?.tags, "envs/test: provider aws has default_tags");
  const google = first(blocks(dirs.get("envs/prod")!, "provider").google);
  assert.ok(google.default_labels, "envs/prod: provider google has default_labels");
  for (const env of ["envs/test", "envs/prod"]) {
    const locals = Object.assign({}, ...dirs.get(env)!.files.flatMap((f) => f.hcl.locals ?? []));
    const tags = locals.tags ?? locals.labels;
    for (const k of ["application", "environment", "owner", "managed-by"])
      assert.ok(k in tags, `${env}: tag ${k}`);
  }
});

test("each environment keeps its state in a remote backend of its cloud", () => {
  const backend = (env: string) => first(terraformBlocks(dirs.get(env)!)[0].backend);
  const s3 = first(backend("envs/test").s3);
  assert.ok(s3.bucket && s3.key && s3.region, "envs/test: s3 backend has bucket, key, region");
  assert.equal(s3.encrypt, true);
  assert.equal(s3.use_lockfile, true);
  const gcs = first(backend("envs/prod").gcs);
  assert.ok(gcs.bucket && gcs.prefix, "envs/prod: gcs backend has bucket and prefix");
  for (const m of ["modules/eks", "modules/gke", "modules/argocd"]) {
    assert.equal(terraformBlocks(dirs.get(m)!)[0].backend, undefined, `${m}: a module has no backend`);
  }
});

test("each environment outputs its kubeconfig and API endpoint", () => {
  for (const env of ["envs/test", "envs/prod"]) {
    const outputs = blocks(dirs.get(env)!, "output");
    for (const o of ["kubeconfig", "cluster_endpoint"]) assert.ok(o in outputs, `${env}: output ${o}`);
    for (const [o, b] of Object.entries(outputs))
      assert.ok(first(b).description, `${env}: output ${o} description`);
  }
});
