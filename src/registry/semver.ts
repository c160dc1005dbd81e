// The subset of semantic versioning the registry and releases need: X.Y.Z with an optional pre-release.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string | null;
}

export function parseSemver(s: string): SemVer | null {
  const m = SEMVER.exec(s);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? null };
}

export function isSemver(s: string): boolean {
  return parseSemver(s) !== null;
}

/** Negative when a < b. A pre-release sorts before its release (1.0.0-rc.1 < 1.0.0). */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) throw new Error(`not a semantic version: ${!x ? a : b}`);
  if (x.major !== y.major) return x.major - y.major;
  if (x.minor !== y.minor) return x.minor - y.minor;
  if (x.patch !== y.patch) return x.patch - y.patch;
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return 1;
  if (y.pre === null) return -1;
  return x.pre < y.pre ? -1 : 1;
}
