// `millwright release --canary / --promote / --abort`: a canary release as edits of the config repository.
//
//   --canary --version X  sets the overlay's image tag to X (Argo CD syncs it; the new pod template makes
//                         Argo Rollouts start the canary steps) and records state canary, version X and the
//                         last good version (the tag it replaced) in the overlay's release.yaml.
//   --promote             records X as promoted and last good. Git cannot press Argo Rollouts' pause button:
//                         the prod gate is passed with `kubectl argo rollouts promote` (printed).
//   --abort               puts the last good tag back and records X as aborted. Once synced, the Rollout's
//                         desired template is the stable one again, which Argo Rollouts rolls back to at once;
//                         `kubectl argo rollouts abort` (printed) stops the canary before the sync.
// release.yaml patches the Rollout's metadata only, so recording a decision never starts a rollout itself.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { MillwrightError } from "../core/errors.js";
import { parseReleaseVersion } from "../core/semver.js";
import { gitCommitFiles, gitTopLevel } from "./git.js";
import { readImageTag, setImageTag } from "./kustomization.js";
import { DEFAULT_IMAGE, type ReleaseOptions, overlayCandidates, release } from "./release.js";
import { type ReleaseRecord, readReleaseRecord, writeReleaseRecord } from "./release-state.js";

export const CANARY_ACTIONS = ["canary", "promote", "abort"] as const;
export type CanaryAction = (typeof CANARY_ACTIONS)[number];

export interface CanaryOptions extends Omit<ReleaseOptions, "version"> {
  action: CanaryAction;
  /** Required for canary; for promote and abort, when given, it must be the canary's version. */
  version?: string;
}

export interface CanaryResult {
  action: CanaryAction;
  env: string;
  /** The overlay's kustomization and its release.yaml (absolute paths). */
  file: string;
  stateFile: string;
  /** Image tag before and after (equal for promote). */
  from: string | null;
  to: string;
  record: ReleaseRecord;
  committed: boolean;
  commitSha?: string;
  /** What to run against the cluster (Argo Rollouts' kubectl plugin). */
  cluster: string[];
}

const conflict = (message: string, details: Record<string, unknown>) =>
  new MillwrightError("MW_CONFLICT", message, details);

async function locate(opts: CanaryOptions): Promise<{ file: string; stateFile: string }> {
  const candidates = overlayCandidates(opts.configDir, opts.env);
  const file = candidates.find((f) => existsSync(f));
  if (!file)
    throw new MillwrightError(
      "MW_NOT_FOUND",
      `no kustomization for env "${opts.env}" under ${opts.configDir}`,
      {
        file: candidates[0],
        tried: candidates,
      },
    );
  const stateFile = join(dirname(file), "release.yaml");
  const listed = /^\s*-\s*(path:\s*)?release\.yaml\s*(#.*)?$/m.test(await readFile(file, "utf8"));
  if (!existsSync(stateFile) || !listed)
    throw new MillwrightError(
      "MW_NOT_FOUND",
      `${relative(opts.configDir, stateFile)}: a canary release keeps its record there, and the kustomization must list it under patches: (copy deploy/k8s/overlays/${opts.env}/release.yaml from the Millwright repository)`,
      { file: stateFile, listed },
    );
  return { file, stateFile };
}

function clusterCommands(action: CanaryAction, env: string): string[] {
  const ns = `-n millwright-${env}`;
  if (action === "promote") return [`kubectl argo rollouts promote millwright ${ns}`];
  if (action === "abort")
    return [
      `kubectl argo rollouts abort millwright ${ns}`,
      `kubectl argo rollouts get rollout millwright ${ns}`,
    ];
  return [`kubectl argo rollouts get rollout millwright ${ns} --watch`];
}

export async function canaryRelease(opts: CanaryOptions): Promise<CanaryResult> {
  const image = opts.image ?? DEFAULT_IMAGE;
  const { file, stateFile } = await locate(opts);
  if (opts.commit) await gitTopLevel(opts.configDir);
  const stateText = await readFile(stateFile, "utf8");
  const record = readReleaseRecord(stateText, stateFile);
  const details = { file: stateFile, state: record.state, version: record.version };

  let from: string | null;
  let to: string;
  let next: ReleaseRecord;
  let message: string;
  if (opts.action === "canary") {
    if (!opts.version)
      throw new MillwrightError("MW_BAD_INPUT", "release --canary needs --version", { field: "version" });
    if (record.state === "canary")
      throw conflict(
        `${opts.env} already runs ${record.version} as a canary; promote or abort it first (millwright release --promote|--abort --env ${opts.env})`,
        details,
      );
    const r = await release({ ...opts, version: opts.version, commit: false });
    if (!r.changed) throw conflict(`${opts.env} already runs ${r.to}: nothing to canary`, details);
    from = r.from;
    to = r.to;
    next = { state: "canary", version: to, lastGood: from ?? record.lastGood };
    message = `release: millwright ${to} to ${opts.env} as a canary (stable ${next.lastGood} until promoted)`;
  } else {
    if (record.state !== "canary")
      throw conflict(
        `no canary to ${opts.action} in ${opts.env}: ${record.version} is ${record.state} (${relative(opts.configDir, stateFile)})`,
        details,
      );
    if (opts.version && parseReleaseVersion(opts.version).text !== record.version)
      throw conflict(`the canary in ${opts.env} is ${record.version}, not ${opts.version}`, details);
    const text = await readFile(file, "utf8");
    from = readImageTag(text, image);
    if (from !== record.version)
      throw conflict(
        `${relative(opts.configDir, file)} has tag ${from}, but ${relative(opts.configDir, stateFile)} records the canary ${record.version}: fix the config repository by hand`,
        { ...details, tag: from },
      );
    if (opts.action === "promote") {
      to = record.version;
      next = { state: "promoted", version: to, lastGood: to };
      message = `release: promote millwright ${to} in ${opts.env}`;
    } else {
      to = record.lastGood;
      await writeFile(file, setImageTag(text, image, to, file, opts.force === true).text, "utf8");
      next = { state: "aborted", version: record.version, lastGood: to };
      message = `release: abort millwright ${record.version} in ${opts.env}, back to ${to}`;
    }
  }
  await writeFile(stateFile, writeReleaseRecord(stateText, stateFile, next), "utf8");
  const result: CanaryResult = {
    action: opts.action,
    env: opts.env,
    file,
    stateFile,
    from,
    to,
    record: next,
    committed: false,
    cluster: clusterCommands(opts.action, opts.env),
  };
  if (!opts.commit) return result;
  const paths = opts.action === "promote" ? [stateFile] : [file, stateFile];
  const sha = await gitCommitFiles(
    opts.configDir,
    paths.map((p) => relative(opts.configDir, p)),
    message,
  );
  return { ...result, committed: true, commitSha: sha };
}
