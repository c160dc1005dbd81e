// Argument parsing and help for `millwright release`, so the CLI can wire it in one line:
//   const result = await release(parseReleaseArgs(argv));
import { parseArgs } from "node:util";
import { MillwrightError } from "../core/errors.js";
import type { CanaryAction } from "./release-canary.js";
import type { ReleaseEnv, ReleaseOptions } from "./release.js";

export const RELEASE_HELP = `Usage: millwright release --version X.Y.Z --config DIR --env test|prod [--commit] [--force] [--image NAME] [--json]
       millwright release --canary --version X.Y.Z --config DIR --env ENV [--commit]
       millwright release --promote|--abort [--version X.Y.Z] --config DIR --env ENV [--commit]

Set the image tag of one environment in the GitOps config repository. Argo CD syncs the change:
test automatically, prod when someone presses sync.

Options:
  --version X.Y.Z   release version (semver; a pre-release such as 1.4.0-rc.1 is allowed; a leading v is dropped)
  --config DIR      checkout of the config repository; the overlay is DIR/deploy/k8s/overlays/ENV/kustomization.yaml
                    or DIR/overlays/ENV/kustomization.yaml
  --env ENV         test or prod
  --commit          git add and git commit the change in DIR ("release: millwright X.Y.Z to ENV"); pushing is up to you
  --force           allow a downgrade (a deliberate rollback) and replace a digest pin by the tag
  --image NAME      image name in the kustomization's images: list (default ghcr.io/millwright-mlops/millwright)
  --canary          as a plain release, and record "canary X, last good <old tag>" in the overlay's release.yaml
                    (Rollout annotations); Argo Rollouts runs the canary steps once Argo CD syncs the new tag
  --promote         record the canary as promoted (the new last good); in the cluster, pass the prod gate with
                    kubectl argo rollouts promote millwright -n millwright-ENV
  --abort           put the last good tag back and record the canary as aborted; in the cluster,
                    kubectl argo rollouts abort millwright -n millwright-ENV stops it before Argo CD syncs
  --json            print the result as JSON
  -h, --help        show this help

Comments and formatting of the kustomization are kept; only the tag changes.
Exit codes: 0 done (or already at that version), 2 bad input, missing overlay or refused downgrade.`;

export interface ReleaseArgs extends ReleaseOptions {
  json: boolean;
  help: boolean;
  /** --canary, --promote or --abort; undefined for a plain release. */
  action?: CanaryAction;
}

/** Parses the arguments after `release`. Throws MW_BAD_INPUT naming the missing or unknown option. */
export function parseReleaseArgs(argv: string[]): ReleaseArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        version: { type: "string" },
        config: { type: "string" },
        env: { type: "string" },
        commit: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        image: { type: "string" },
        json: { type: "boolean", default: false },
        canary: { type: "boolean", default: false },
        promote: { type: "boolean", default: false },
        abort: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new MillwrightError("MW_BAD_INPUT", `release: ${(e as Error).message}`);
  }
  const help = values.help === true;
  const actions = (["canary", "promote", "abort"] as const).filter((a) => values[a] === true);
  if (actions.length > 1)
    throw new MillwrightError("MW_BAD_INPUT", `release: --${actions.join(" and --")} exclude each other`, {
      field: actions[1],
    });
  const action = actions[0];
  if (!help) {
    // promote and abort act on the recorded canary: --version is only a check there
    const required =
      action === "promote" || action === "abort" ? ["config", "env"] : ["version", "config", "env"];
    for (const key of required) {
      if (typeof values[key] !== "string") {
        throw new MillwrightError("MW_BAD_INPUT", `release: --${key} is required`, { field: key });
      }
    }
  }
  return {
    version: (values.version as string) ?? "",
    configDir: (values.config as string) ?? "",
    env: (values.env as ReleaseEnv) ?? "test",
    commit: values.commit === true,
    force: values.force === true,
    image: values.image as string | undefined,
    json: values.json === true,
    help,
    action,
  };
}
