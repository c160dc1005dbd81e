// release() against a real git repository created here, shaped like the config repository.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { isMillwrightError } from "../../src/core/errors.js";
import { parseReleaseArgs, RELEASE_HELP } from "../../src/gitops/release-cli.js";
import { release } from "../../src/gitops/release.js";

const OVERLAY = (tag: string) => `# Production-like test environment. Argo CD syncs it automatically.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: millwright-test

resources:
  - ../../base   # shared manifests

images:
  # The tag below is written by \`millwright release\`: do not edit by hand.
  - name: ghcr.io/millwright-mlops/millwright
    newTag: "${tag}"      # current release

replicas:
  - name: millwright-api
    count: 2
`;

let dir = "";
const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
const overlayPath = (env: string) => join(dir, "deploy/k8s/overlays", env, "kustomization.yaml");

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mw-release-"));
  git("init", "--quiet", "--initial-branch=main");
  git("config", "user.name", "Release Test");
  git("config", "user.email", "release-test@example.invalid");
  git("config", "commit.gpgsign", "false");
  for (const env of ["test", "prod"]) {
    mkdirSync(join(dir, "deploy/k8s/overlays", env), { recursive: true });
    writeFileSync(overlayPath(env), OVERLAY("1.2.0"));
  }
  git("add", ".");
  git("commit", "--quiet", "-m", "initial config");
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("bumps the tag, keeps every other byte, and commits with the release message", async () => {
  const r = await release({ configDir: dir, env: "test", version: "1.3.0", commit: true });
  assert.equal(r.file, overlayPath("test"));
  assert.equal(r.from, "1.2.0");
  assert.equal(r.to, "1.3.0");
  assert.equal(r.committed, true);
  assert.equal(readFileSync(overlayPath("test"), "utf8"), OVERLAY("1.3.0"));
  assert.equal(git("log", "-1", "--format=%s"), "release: millwright 1.3.0 to test");
  assert.equal(git("rev-parse", "HEAD"), r.commitSha);
  // Exactly one line changed, and prod was not touched.
  assert.deepEqual(git("show", "--name-only", "--format=", "HEAD").split("\n"), [
    "deploy/k8s/overlays/test/kustomization.yaml",
  ]);
  const diff = git("show", "--format=", "--unified=0", "HEAD");
  assert.equal(diff.split("\n").filter((l) => /^[-+] /.test(l)).length, 2, diff);
  assert.equal(git("status", "--porcelain"), "");
});

test("without --commit the file changes and nothing is committed", async () => {
  const r = await release({ configDir: dir, env: "prod", version: "v1.2.1" });
  assert.equal(r.committed, false);
  assert.equal(r.to, "1.2.1");
  assert.equal(git("rev-list", "--count", "HEAD"), "1");
  assert.equal(git("status", "--porcelain"), "M deploy/k8s/overlays/prod/kustomization.yaml");
});

test("a commit includes only the overlay, not other staged work", async () => {
  writeFileSync(join(dir, "NOTES.md"), "work in progress\n");
  git("add", "NOTES.md");
  const r = await release({ configDir: dir, env: "test", version: "1.2.5", commit: true });
  assert.equal(r.committed, true);
  assert.deepEqual(git("show", "--name-only", "--format=", "HEAD").split("\n"), [
    "deploy/k8s/overlays/test/kustomization.yaml",
  ]);
  assert.equal(git("status", "--porcelain"), "A  NOTES.md");
});

test("a downgrade is refused with MW_CONFLICT, and allowed with force", async () => {
  await assert.rejects(
    release({ configDir: dir, env: "prod", version: "1.1.9", commit: true }),
    (e) =>
      isMillwrightError(e) &&
      e.code === "MW_CONFLICT" &&
      /downgrade prod from 1\.2\.0 to 1\.1\.9/.test(e.message) &&
      e.message.includes("--force"),
  );
  assert.equal(readFileSync(overlayPath("prod"), "utf8"), OVERLAY("1.2.0"));
  // A pre-release of the current version is also older than it.
  await assert.rejects(release({ configDir: dir, env: "prod", version: "1.2.0-rc.1" }), /downgrade/);

  const r = await release({ configDir: dir, env: "prod", version: "1.1.9", commit: true, force: true });
  assert.equal(r.from, "1.2.0");
  assert.equal(readFileSync(overlayPath("prod"), "utf8"), OVERLAY("1.1.9"));
  assert.equal(git("log", "-1", "--format=%s"), "release: millwright 1.1.9 to prod");
});

test("releasing the current version is a no-op without a commit", async () => {
  const r = await release({ configDir: dir, env: "test", version: "1.2.0", commit: true });
  assert.deepEqual([r.changed, r.committed], [false, false]);
  assert.equal(git("rev-list", "--count", "HEAD"), "1");
});

test("bad semver and a bad env are rejected before anything is touched", async () => {
  for (const version of ["1.3", "latest", "1.3.0+build"]) {
    await assert.rejects(
      release({ configDir: dir, env: "test", version }),
      (e) => isMillwrightError(e) && e.code === "MW_BAD_INPUT" && e.message.includes(version),
    );
  }
  await assert.rejects(
    release({ configDir: dir, env: "staging" as "test", version: "1.3.0" }),
    (e) => isMillwrightError(e) && e.message.includes("staging"),
  );
  assert.equal(git("status", "--porcelain"), "");
});

test("a missing overlay names the paths it looked for; the bare overlays/ layout works", async () => {
  const empty = mkdtempSync(join(tmpdir(), "mw-release-empty-"));
  try {
    await assert.rejects(
      release({ configDir: empty, env: "test", version: "1.0.0" }),
      (e) =>
        isMillwrightError(e) &&
        e.code === "MW_NOT_FOUND" &&
        e.message.includes("deploy/k8s/overlays/test/kustomization.yaml") &&
        e.message.includes(empty),
    );
    mkdirSync(join(empty, "overlays/test"), { recursive: true });
    writeFileSync(join(empty, "overlays/test/kustomization.yaml"), OVERLAY("0.9.0"));
    const r = await release({ configDir: empty, env: "test", version: "1.0.0" });
    assert.equal(r.file, join(empty, "overlays/test/kustomization.yaml"));
    // --commit outside a git repository fails clearly, before the write.
    await assert.rejects(
      release({ configDir: empty, env: "test", version: "1.0.1", commit: true }),
      (e) => isMillwrightError(e) && e.code === "MW_CONFIG" && e.message.includes("git"),
    );
    assert.equal(readFileSync(r.file, "utf8"), OVERLAY("1.0.0"));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("CLI arguments parse, and the help names every option", () => {
  const a = parseReleaseArgs(["--version", "1.4.0", "--config", dir, "--env", "prod", "--commit"]);
  assert.deepEqual([a.version, a.configDir, a.env, a.commit, a.force], ["1.4.0", dir, "prod", true, false]);
  assert.throws(() => parseReleaseArgs(["--version", "1.4.0", "--env", "prod"]), /--config is required/);
  assert.throws(
    () => parseReleaseArgs(["--bogus"]),
    (e) => isMillwrightError(e) && e.code === "MW_BAD_INPUT",
  );
  assert.equal(parseReleaseArgs(["--help"]).help, true);
  for (const opt of ["--version", "--config", "--env", "--commit", "--force", "--image", "--json"]) {
    assert.ok(RELEASE_HELP.includes(opt), opt);
  }
});
