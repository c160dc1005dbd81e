import assert from "node:assert/strict";
import { test } from "node:test";
import { isMillwrightError } from "../../src/core/errors.js";
import { readImageTag, setImageTag } from "../../src/gitops/kustomization.js";

const IMG = "ghcr.io/millwright-mlops/millwright";

test("keeps the tag's quoting style", () => {
  for (const [written, expected] of [
    ['"0.1.0"', '"0.2.0"'],
    ["'0.1.0'", "'0.2.0'"],
    ["0.1.0", "0.2.0"],
  ]) {
    const text = `images:\n  - name: ${IMG}\n    newTag: ${written}\n`;
    const out = setImageTag(text, IMG, "0.2.0", "k.yaml");
    assert.equal(out.text, `images:\n  - name: ${IMG}\n    newTag: ${expected}\n`);
    assert.equal(out.from, "0.1.0");
  }
});

test("only the named image changes when several are listed, flow style included", () => {
  const text = `images: [{name: other/app, newTag: "9.9.9"}, {name: ${IMG}, newTag: "1.0.0"}] # flow\n`;
  const out = setImageTag(text, IMG, "1.1.0", "k.yaml");
  assert.equal(
    out.text,
    `images: [{name: other/app, newTag: "9.9.9"}, {name: ${IMG}, newTag: "1.1.0"}] # flow\n`,
  );
  assert.equal(readImageTag(out.text, "other/app"), "9.9.9");
});

test("adds newTag when the entry has none", () => {
  const text = `# overlay\nimages:\n  - name: ${IMG} # app\n    newName: registry.local/mw\n`;
  const out = setImageTag(text, IMG, "1.0.0", "k.yaml");
  assert.equal(out.from, null);
  assert.equal(readImageTag(out.text, IMG), "1.0.0");
  assert.match(out.text, /^# overlay\n/);
  assert.match(out.text, /# app/);
  assert.match(out.text, /newTag: "1\.0\.0"/);
});

test("a digest pin is refused, or replaced by the tag when forced", () => {
  const text = `images:\n  - name: ${IMG}\n    digest: sha256:abc\n    newTag: "1.0.0"\n`;
  assert.throws(
    () => setImageTag(text, IMG, "1.1.0", "k.yaml"),
    (e) => isMillwrightError(e) && e.code === "MW_CONFLICT" && e.message.includes("k.yaml"),
  );
  const out = setImageTag(text, IMG, "1.1.0", "k.yaml", true);
  assert.doesNotMatch(out.text, /digest/);
  assert.equal(readImageTag(out.text, IMG), "1.1.0");
});

test("errors name the file and the missing key", () => {
  assert.throws(
    () => setImageTag("resources: [../../base]\n", IMG, "1.0.0", "overlays/test/kustomization.yaml"),
    (e) =>
      isMillwrightError(e) &&
      e.code === "MW_CONFIG" &&
      e.message.includes("overlays/test/kustomization.yaml"),
  );
  assert.throws(
    () => setImageTag("images:\n  - name: other\n    newTag: x\n", IMG, "1.0.0", "k.yaml"),
    (e) => isMillwrightError(e) && e.message.includes(IMG),
  );
  assert.throws(
    () => setImageTag("images: [\n", IMG, "1.0.0", "k.yaml"),
    (e) => isMillwrightError(e) && e.message.includes("not valid YAML"),
  );
});
