// The release tool (`millwright release`) bumps `newTag` in an overlay's kustomization with the yaml
// package's document API. This checks that our kustomizations survive that: every comment stays, only the
// tag changes, and the bumped overlay still renders with the new image.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isMap, isSeq, parseDocument } from "yaml";
import { setImageTag } from "../../src/gitops/kustomization.js";
import { INSTALL, repoRoot, requireTool } from "../helpers/exec.js";
import { kustomize } from "./k8s-schema.js";

const root = repoRoot();
const IMAGE = "ghcr.io/millwright-mlops/millwright";

/** What a release tool does: set newTag of our image through the document API. */
function bump(text: string, tag: string): string {
  const doc = parseDocument(text);
  const images = doc.get("images");
  assert.ok(isSeq(images), "kustomization has images:");
  const entry = images.items.find((i) => isMap(i) && i.get("name") === IMAGE);
  assert.ok(isMap(entry), `images: has ${IMAGE}`);
  entry.set("newTag", tag);
  return doc.toString();
}

const comments = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("#"));

for (const env of ["test", "prod"]) {
  test(`${env}: a tag bump through the yaml document API keeps every comment and changes only the tag`, () => {
    const text = readFileSync(join(root, `deploy/k8s/overlays/${env}/kustomization.yaml`), "utf8");
    assert.ok(
      comments(text).some((c) => /millwright release --env/.test(c)),
      "the kustomization says which tool bumps the tag",
    );
    const bumped = bump(text, "9.9.9");
    assert.deepEqual(comments(bumped), comments(text));
    const changed = bumped.split("\n").filter((line, i) => line !== text.split("\n")[i]);
    assert.deepEqual(changed, ["    newTag: 9.9.9"]);
  });

  test(`${env}: millwright release's setImageTag changes the tag line only`, () => {
    const file = join(root, `deploy/k8s/overlays/${env}/kustomization.yaml`);
    const text = readFileSync(file, "utf8");
    const { text: bumped, from } = setImageTag(text, IMAGE, "2.0.0", file);
    assert.equal(from, /newTag: (\S+)/.exec(text)?.[1], "it read the current tag");
    const changed = bumped.split("\n").filter((line, i) => line !== text.split("\n")[i]);
    assert.deepEqual(changed, ["    newTag: 2.0.0"]);
  });

  test(`${env}: the bumped overlay renders with the new image`, (t) => {
    if (!requireTool(t, "kubectl", INSTALL.kubectl)) return;
    const work = mkdtempSync(join(tmpdir(), "millwright-release-"));
    try {
      for (const sub of ["deploy/k8s", "deploy/grafana"])
        cpSync(join(root, sub), join(work, sub), { recursive: true });
      const file = join(work, `deploy/k8s/overlays/${env}/kustomization.yaml`);
      writeFileSync(file, bump(readFileSync(file, "utf8"), "1.2.3"));
      const deployment = kustomize(join(work, `deploy/k8s/overlays/${env}`)).find(
        (o) => o.kind === "Deployment",
      );
      assert.ok(deployment, "the overlay renders a Deployment");
      const containers = (deployment.spec as { template: { spec: { containers: Array<{ image: string }> } } })
        .template.spec.containers;
      assert.equal(containers[0].image, `${IMAGE}:1.2.3`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
