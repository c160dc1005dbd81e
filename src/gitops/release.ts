// `millwright release`: set the image tag of one environment's overlay in the GitOps config
// repository, and optionally commit it. Argo CD then syncs the environment from that commit.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { gitCommitFile, gitTopLevel } from "./git.js";
import { readImageTag, setImageTag } from "./kustomization.js";
import { compareSemver, parseReleaseVersion, tryParseSemver } from "../core/semver.js";

export const DEFAULT_IMAGE = "ghcr.io/millwright-mlops/millwright";
export const RELEASE_ENVS = ["test", "prod"] as const;
export type ReleaseEnv = (typeof RELEASE_ENVS)[number];

export interface ReleaseOptions {
  /** Root of the config repository checkout (or of this repository). */
  configDir: string;
  env: ReleaseEnv;
  /** X.Y.Z or X.Y.Z-pre; a leading "v" is dropped. */
  version: string;
  /** Allow a downgrade, and replace a digest pin by the tag. */
  force?: boolean;
  /** git add + git commit the changed file in configDir. */
  commit?: boolean;
  /** Image name as written in the kustomization's images[].name. */
  image?: string;
}

export interface ReleaseResult {
  /** Absolute path of the kustomization that was (or would have been) changed. */
  file: string;
  /** Previous tag, null when the entry had none. */
  from: string | null;
  to: string;
  /** False when the overlay already had this version (nothing written, nothing committed). */
  changed: boolean;
  committed: boolean;
  commitSha?: string;
}

/** Overlay locations tried in order: a config repo mirroring this repo's layout, then a bare one. */
export function overlayCandidates(configDir: string, env: ReleaseEnv): string[] {
  const out: string[] = [];
  for (const base of [join("deploy", "k8s", "overlays", env), join("overlays", env)]) {
    for (const name of ["kustomization.yaml", "kustomization.yml"]) out.push(join(configDir, base, name));
  }
  return out;
}

export function releaseCommitMessage(version: string, env: ReleaseEnv): string {
  return `release: millwright ${version} to ${env}`;
}

function checkEnv(env: string): asserts env is ReleaseEnv {
  if (!(RELEASE_ENVS as readonly string[]).includes(env)) {
    throw new MillwrightError("MW_BAD_INPUT", `env "${env}" must be one of: ${RELEASE_ENVS.join(", ")}`, {
      field: "env",
      value: env,
    });
  }
}

export async function release(opts: ReleaseOptions): Promise<ReleaseResult> {
  checkEnv(opts.env);
  const to = parseReleaseVersion(opts.version);
  const image = opts.image ?? DEFAULT_IMAGE;
  const candidates = overlayCandidates(opts.configDir, opts.env);
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    throw new MillwrightError(
      "MW_NOT_FOUND",
      `no kustomization for env "${opts.env}" under ${opts.configDir}: tried ${candidates.map((c) => relative(opts.configDir, c)).join(", ")}`,
      { file: candidates[0], tried: candidates },
    );
  }

  // Fail before writing when a commit was asked for and cannot be made.
  if (opts.commit) await gitTopLevel(opts.configDir);
  const text = await readFile(file, "utf8");
  const current = readImageTag(text, image);
  const fromVersion = current == null ? null : tryParseSemver(current.replace(/^v(?=\d)/, ""));
  // A tag that is not a version (latest, sha-…) has no order, so replacing it is not a downgrade.
  if (fromVersion && compareSemver(to, fromVersion) < 0 && !opts.force) {
    throw new MillwrightError(
      "MW_CONFLICT",
      `refusing to downgrade ${opts.env} from ${current} to ${to.text} in ${file}; pass --force to roll back on purpose`,
      { file, from: current, to: to.text },
    );
  }
  if (current === to.text) {
    return { file, from: current, to: to.text, changed: false, committed: false };
  }

  const next = setImageTag(text, image, to.text, file, opts.force === true);
  // Verify by reading back through the parser rather than trusting the splice.
  if (readImageTag(next.text, image) !== to.text) {
    throw new MillwrightError("MW_INTERNAL", `${file}: tag write did not round-trip`, { file });
  }
  await writeFile(file, next.text, "utf8");
  if (!opts.commit) return { file, from: next.from, to: to.text, changed: true, committed: false };

  const sha = await gitCommitFile(
    opts.configDir,
    relative(opts.configDir, file),
    releaseCommitMessage(to.text, opts.env),
  );
  return { file, from: next.from, to: to.text, changed: true, committed: true, commitSha: sha };
}
