// `millwright release --canary / --promote / --abort` against a real git repository holding a copy of this
// repository's real overlays (deploy/k8s, deploy/grafana): what each step writes and commits, what it refuses,
// and that the overlay still renders with the image and record expected (kubectl kustomize).
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { isMillwrightError } from "../../src/core/errors.js";
import { canaryRelease } from "../../src/gitops/release-canary.js";
import { parseReleaseArgs } from "../../src/gitops/release-cli.js";
import { runCli } from "../helpers/cli.js";
import { INSTALL, repoRoot, requireTool } from "../helpers/exec.js";
import { kustomize } from "../deploy/k8s-schema.js";

const IMAGE = "ghcr.io/millwright-mlops/millwright";
let dir = "";
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
const overlay = (env: string, f = "kustomization.yaml") => join(dir, "deploy/k8s/overlays", env, f);
const tag = (env: string) => /newTag: "?([^"\s]+)"?/.exec(readFileSync(overlay(env), "utf8"))?.[1];
const annotations = (env: string) =>
  Object.fromEntries(
    [
      ...readFileSync(overlay(env, "release.yaml"), "utf8").matchAll(/(millwright\.io\/[a-z-]+): "([^"]*)"/g),
    ].map((m) => [m[1].replace("millwright.io/", ""), m[2]]),
  );
const rejects = (p: Promise<unknown>, code: string, message: RegExp) =>
  assert.rejects(p, (e: unknown) => isMillwrightError(e) && e.code === code && message.test(e.message));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-canary-release-"));
  for (const sub of ["deploy/k8s", "deploy/grafana"])
    cpSync(join(repoRoot(), sub), join(dir, sub), { recursive: true });
  git("init", "--quiet", "--initial-branch=main");
  git("config", "user.name", "Release Test");
  git("config", "user.email", "release-test@example.invalid");
  git("config", "commit.gpgsign", "false");
  git("add", ".");
  git("commit", "--quiet", "-m", "initial config");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("--canary sets the tag and records canary + last good in one commit; --promote records it promoted", async () => {
  const c = await canaryRelease({
    configDir: dir,
    env: "prod",
    action: "canary",
    version: "0.2.0",
    commit: true,
  });
  assert.deepEqual([c.from, c.to, c.committed], ["0.1.0", "0.2.0", true]);
  assert.equal(tag("prod"), "0.2.0");
  assert.deepEqual(annotations("prod"), {
    "release-state": "canary",
    "release-version": "0.2.0",
    "last-good-version": "0.1.0",
  });
  assert.equal(
    git("log", "-1", "--format=%s"),
    "release: millwright 0.2.0 to prod as a canary (stable 0.1.0 until promoted)",
  );
  assert.deepEqual(git("show", "--name-only", "--format=", "HEAD").split("\n"), [
    "deploy/k8s/overlays/prod/kustomization.yaml",
    "deploy/k8s/overlays/prod/release.yaml",
  ]);
  // every comment of the record survives the rewrite
  const comments = (t: string) => t.split("\n").filter((l) => l.trim().startsWith("#"));
  assert.deepEqual(
    comments(readFileSync(overlay("prod", "release.yaml"), "utf8")),
    comments(readFileSync(join(repoRoot(), "deploy/k8s/overlays/prod/release.yaml"), "utf8")),
  );
  assert.deepEqual(c.cluster, ["kubectl argo rollouts get rollout millwright -n millwright-prod --watch"]);

  const p = await canaryRelease({
    configDir: dir,
    env: "prod",
    action: "promote",
    version: "0.2.0",
    commit: true,
  });
  assert.equal(tag("prod"), "0.2.0", "promote leaves the tag");
  assert.deepEqual(annotations("prod"), {
    "release-state": "promoted",
    "release-version": "0.2.0",
    "last-good-version": "0.2.0",
  });
  assert.equal(git("log", "-1", "--format=%s"), "release: promote millwright 0.2.0 in prod");
  assert.deepEqual(git("show", "--name-only", "--format=", "HEAD").split("\n"), [
    "deploy/k8s/overlays/prod/release.yaml",
  ]);
  assert.deepEqual(p.cluster, ["kubectl argo rollouts promote millwright -n millwright-prod"]);
  // test untouched throughout
  assert.equal(tag("test"), "0.1.0");
});

test("--abort puts the last good tag back and records the canary aborted; the next canary starts from there", async () => {
  await canaryRelease({ configDir: dir, env: "test", action: "canary", version: "0.3.0", commit: true });
  const a = await canaryRelease({ configDir: dir, env: "test", action: "abort", commit: true });
  assert.deepEqual([a.from, a.to], ["0.3.0", "0.1.0"]);
  assert.equal(tag("test"), "0.1.0");
  assert.deepEqual(annotations("test"), {
    "release-state": "aborted",
    "release-version": "0.3.0",
    "last-good-version": "0.1.0",
  });
  assert.equal(git("log", "-1", "--format=%s"), "release: abort millwright 0.3.0 in test, back to 0.1.0");
  assert.equal(a.cluster[0], "kubectl argo rollouts abort millwright -n millwright-test");
  const again = await canaryRelease({ configDir: dir, env: "test", action: "canary", version: "0.3.1" });
  assert.equal(again.record.lastGood, "0.1.0");
  assert.equal(again.committed, false);
  assert.equal(git("status", "--porcelain").split("\n").length, 2, "written, not committed");
});

test("refuses what would lose track: a second canary, promote or abort without one, a mismatched version", async () => {
  // a downgrade as a canary needs --force, as a plain release does
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "canary", version: "0.0.9" }),
    "MW_CONFLICT",
    /refusing to downgrade/,
  );
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "promote" }),
    "MW_CONFLICT",
    /no canary to promote in prod: 0\.1\.0 is promoted/,
  );
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "abort" }),
    "MW_CONFLICT",
    /no canary to abort/,
  );
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "canary", version: "0.1.0" }),
    "MW_CONFLICT",
    /already runs 0\.1\.0/,
  );
  await canaryRelease({ configDir: dir, env: "prod", action: "canary", version: "0.2.0" });
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "canary", version: "0.2.1" }),
    "MW_CONFLICT",
    /already runs 0\.2\.0 as a canary; promote or abort it first/,
  );
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "promote", version: "0.2.1" }),
    "MW_CONFLICT",
    /the canary in prod is 0\.2\.0, not 0\.2\.1/,
  );
  // a tag changed by hand behind the record's back
  writeFileSync(
    overlay("prod"),
    readFileSync(overlay("prod"), "utf8").replace("newTag: 0.2.0", "newTag: 0.2.5"),
  );
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "promote" }),
    "MW_CONFLICT",
    /has tag 0\.2\.5, but .*release\.yaml records the canary 0\.2\.0/,
  );
});

test("a config repository without the record says what to add; a broken record names the file and key", async () => {
  rmSync(overlay("test", "release.yaml"));
  await rejects(
    canaryRelease({ configDir: dir, env: "test", action: "canary", version: "0.2.0" }),
    "MW_NOT_FOUND",
    /overlays\/test\/release\.yaml: a canary release keeps its record there/,
  );
  writeFileSync(
    overlay("prod", "release.yaml"),
    readFileSync(overlay("prod", "release.yaml"), "utf8").replace('"promoted"', '"half-done"'),
  );
  await rejects(
    canaryRelease({ configDir: dir, env: "prod", action: "canary", version: "0.2.0" }),
    "MW_CONFIG",
    /release-state is "half-done", not one of canary, promoted, aborted/,
  );
  assert.equal(tag("prod"), "0.1.0", "nothing written before the record was read");
});

test("the canary overlay renders: the Rollout's pods get the new image, the Rollout carries the record", (t) => {
  if (!requireTool(t, "kubectl", INSTALL.kubectl)) return;
  return (async () => {
    await canaryRelease({ configDir: dir, env: "prod", action: "canary", version: "1.0.0" });
    // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are untyped YAML
    const objects = kustomize(join(dir, "deploy/k8s/overlays/prod")) as Array<Record<string, any>>;
    const deployment = objects.find((o) => o.kind === "Deployment");
    const rollout = objects.find((o) => o.kind === "Rollout");
    assert.equal(deployment?.spec.template.spec.containers[0].image, `${IMAGE}:1.0.0`);
    assert.equal(rollout?.metadata.annotations["millwright.io/release-state"], "canary");
    assert.equal(rollout?.metadata.annotations["millwright.io/last-good-version"], "0.1.0");
    // the record is on the Rollout object, not in the pod template: writing it starts no rollout
    assert.equal(rollout?.spec.template, undefined);
    assert.equal(deployment?.spec.template.metadata.annotations?.["millwright.io/release-state"], undefined);
  })();
});

test("CLI: flags parse, exclude each other, and --promote needs no --version; the process prints the kubectl step", async () => {
  assert.equal(parseReleaseArgs(["--promote", "--config", "c", "--env", "prod"]).action, "promote");
  assert.equal(
    parseReleaseArgs(["--canary", "--version", "1.0.0", "--config", "c", "--env", "prod"]).action,
    "canary",
  );
  assert.throws(
    () => parseReleaseArgs(["--canary", "--config", "c", "--env", "prod"]),
    /--version is required/,
  );
  assert.throws(
    () => parseReleaseArgs(["--promote", "--abort", "--config", "c", "--env", "prod"]),
    /--promote and --abort exclude each other/,
  );
  const c = await runCli([
    "release",
    "--canary",
    "--version",
    "0.2.0",
    "--config",
    dir,
    "--env",
    "prod",
    "--commit",
  ]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(
    c.stdout,
    /prod: canary 0\.2\.0: tag 0\.1\.0 → 0\.2\.0, recorded canary \(last good 0\.1\.0\)/,
  );
  const p = await runCli(["release", "--promote", "--config", dir, "--env", "prod", "--json"]);
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(JSON.parse(p.stdout).cluster, [
    "kubectl argo rollouts promote millwright -n millwright-prod",
  ]);
  const again = await runCli(["release", "--abort", "--config", dir, "--env", "prod"]);
  assert.equal(again.code, 2, again.stdout);
  assert.match(again.stderr, /no canary to abort in prod: 0\.2\.0 is promoted/);
});
