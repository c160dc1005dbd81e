import assert from "node:assert/strict";
import { test } from "node:test";
import { isMillwrightError } from "../../src/core/errors.js";
import { compareSemver, parseReleaseVersion, tryParseSemver } from "../../src/core/semver.js";

test("parses X.Y.Z and pre-releases, drops a leading v", () => {
  assert.deepEqual(tryParseSemver("1.20.3"), {
    major: 1,
    minor: 20,
    patch: 3,
    prerelease: [],
    text: "1.20.3",
  });
  assert.deepEqual(tryParseSemver("1.0.0-rc.1")?.prerelease, ["rc", "1"]);
  assert.equal(parseReleaseVersion("v2.3.4").text, "2.3.4");
});

test("rejects what is not a release version, naming the field", () => {
  for (const bad of ["1.2", "1.2.3.4", "01.2.3", "1.2.3+build.5", "latest", "", "1.2.3-", "1.2.3-01", "v"]) {
    assert.equal(tryParseSemver(bad.replace(/^v/, "")), null, bad);
    assert.throws(
      () => parseReleaseVersion(bad),
      (e) => isMillwrightError(e) && e.code === "MW_BAD_INPUT" && e.message.includes("version"),
      bad,
    );
  }
});

test("precedence follows semver.org's example ordering", () => {
  // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
  //   < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0, and 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1.
  const ordered = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "2.0.0",
    "2.1.0",
    "2.1.1",
    "10.0.0",
  ].map((t) => parseReleaseVersion(t));
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      assert.equal(
        compareSemver(ordered[i], ordered[j]),
        Math.sign(i - j),
        `${ordered[i].text} vs ${ordered[j].text}`,
      );
    }
  }
});
