import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { MillwrightError } from "../../src/core/errors.js";
import { ModelRegistry } from "../../src/registry/registry.js";
import { trainAndRegister } from "../../src/registry/training.js";
import { type TrainedFixture, trainedRegistry } from "../helpers/model.js";

describe("model registry", () => {
  let fx: TrainedFixture;
  before(() => {
    fx = trainedRegistry({ machines: 6, days: 8 });
  });
  after(() => fx.cleanup());

  test("aliases resolve; unknown refs and a corrupt index are clear errors", () => {
    assert.equal(fx.registry.resolve("champion"), "1.0.0");
    assert.equal(fx.registry.resolve("latest"), "1.0.0");
    assert.throws(
      () => fx.registry.resolve("challenger"),
      (e: MillwrightError) => e.code === "MW_MODEL_NOT_FOUND",
    );
    assert.throws(
      () => fx.registry.resolve("2.0.0"),
      (e: MillwrightError) => e.code === "MW_MODEL_NOT_FOUND",
    );
    const dir = mkdtempSync(join(tmpdir(), "mw-idx-"));
    writeFileSync(join(dir, "registry.json"), "{nope");
    assert.throws(
      () => new ModelRegistry(dir).readIndex(),
      (e: MillwrightError) => e.code === "MW_REGISTRY" && e.message.includes("registry.json"),
    );
    rmSync(dir, { recursive: true });
  });

  test("a half-written version (crash before the rename) is invisible and does not block numbering", () => {
    const tmp = join(fx.registry.dir, "versions", ".tmp-999-crashed");
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, "model.json"), "{half");
    assert.deepEqual(fx.registry.versions(), ["1.0.0"]);
    assert.equal(fx.registry.nextVersion(), "1.1.0");
    rmSync(tmp, { recursive: true });
  });

  test("a model file of another format version is refused with a message naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-fmt-"));
    const reg = new ModelRegistry(dir);
    mkdirSync(join(dir, "versions", "1.0.0"), { recursive: true });
    writeFileSync(
      join(dir, "versions", "1.0.0", "model.json"),
      JSON.stringify({ format: "millwright-model", formatVersion: 99 }),
    );
    assert.throws(
      () => reg.load("1.0.0"),
      (e: MillwrightError) =>
        e.code === "MW_MODEL_CORRUPT" && /1\.0\.0\/model\.json: model format version 99/.test(e.message),
    );
    rmSync(dir, { recursive: true });
  });

  test("disk full while writing a version: a clear error, no half version, champion untouched", (t) => {
    if (process.getuid?.() !== 0) {
      if (process.env.CI === "true") assert.fail("the disk-full test needs root to mount a tiny tmpfs");
      t.skip("needs root to mount a tiny tmpfs");
      return;
    }
    const mnt = mkdtempSync(join(tmpdir(), "mw-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=96k", "tmpfs", mnt]);
    try {
      const reg = new ModelRegistry(join(mnt, "models"));
      assert.throws(
        () =>
          trainAndRegister(
            reg,
            { rows: fx.rows, data: { file: fx.dataFile, sha256: "x" } },
            { seed: 1, params: { nEstimators: 40 } },
          ),
        (e: MillwrightError) => e.code === "MW_REGISTRY" && /ENOSPC|no space/i.test(e.message),
      );
      assert.deepEqual(reg.versions(), []);
      assert.deepEqual(readdirSync(join(mnt, "models", "versions")), [], "no temp directory left behind");
      assert.equal(existsSync(join(mnt, "models", "registry.json")), false, "no alias written");
    } finally {
      execFileSync("umount", [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});
