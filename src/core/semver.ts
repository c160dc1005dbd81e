// Semantic versions as release tags. Only X.Y.Z with an optional pre-release is accepted: build
// metadata ("+build") is rejected because "+" is not a legal character in an OCI image tag, and the
// version is used verbatim as the image tag.
import { MillwrightError } from "./errors.js";

export interface Semver {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated pre-release identifiers, empty for a release. */
  prerelease: string[];
  /** Canonical text, without a leading "v". */
  text: string;
}

// The semver.org grammar for the core and pre-release parts: no leading zeros on numbers.
const NUM = "(0|[1-9]\\d*)";
const PRE_ID = "(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)";
const SEMVER_RE = new RegExp(`^${NUM}\\.${NUM}\\.${NUM}(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?$`);

/** Parses "X.Y.Z[-pre]"; null when it is not one. */
export function tryParseSemver(text: string): Semver | null {
  const m = SEMVER_RE.exec(text);
  if (!m) return null;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease: m[4] ? m[4].split(".") : [],
    text,
  };
}

/**
 * Parses a release version. A leading "v" is accepted and dropped because git tags are "vX.Y.Z"
 * while image tags and overlays use "X.Y.Z".
 */
export function parseReleaseVersion(input: string, field = "version"): Semver {
  const text = input.trim().replace(/^v(?=\d)/, "");
  const v = tryParseSemver(text);
  if (!v) {
    throw new MillwrightError(
      "MW_BAD_INPUT",
      `${field} "${input}" is not a semantic version X.Y.Z (optionally -pre.release, no +build)`,
      { field, value: input },
    );
  }
  return v;
}

function compareIdentifier(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return Math.sign(Number(a) - Number(b));
  // Numeric identifiers have lower precedence than alphanumeric ones (semver.org rule 11.4.3).
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareSemver(a: Semver, b: Semver): number {
  const core = Math.sign(a.major - b.major) || Math.sign(a.minor - b.minor) || Math.sign(a.patch - b.patch);
  if (core !== 0) return core;
  // A release outranks any of its pre-releases.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return Math.sign(b.prerelease.length - a.prerelease.length);
  }
  const n = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifier(a.prerelease[i], b.prerelease[i]);
    if (c !== 0) return c;
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}
