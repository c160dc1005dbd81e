import { canaryRelease } from "../../gitops/release-canary.js";
import { release } from "../../gitops/release.js";
import { RELEASE_HELP, parseReleaseArgs } from "../../gitops/release-cli.js";
import { out, outJson, outThen } from "../io.js";

export async function releaseCommand(argv: string[]): Promise<number> {
  const args = parseReleaseArgs(argv);
  if (args.help) return outThen(RELEASE_HELP, 0);
  if (args.action) {
    const c = await canaryRelease({ ...args, action: args.action, version: args.version || undefined });
    if (args.json) outJson(c);
    else
      out(
        [
          `${c.env}: ${c.action} ${c.record.version}: tag ${c.from ?? "none"} → ${c.to}, recorded ${c.record.state} (last good ${c.record.lastGood})${c.committed ? ` (committed ${c.commitSha ?? ""})` : ""}`,
          "In the cluster (Argo Rollouts kubectl plugin):",
          ...c.cluster.map((cmd) => `  ${cmd}`),
        ].join("\n"),
      );
    return 0;
  }
  const r = await release(args);
  if (args.json) outJson(r);
  else
    out(
      !r.changed
        ? `${r.file}: already at ${r.to}`
        : `${r.file}: ${r.from ?? "none"} → ${r.to}${r.committed ? ` (committed ${r.commitSha ?? ""})` : ""}`,
    );
  return 0;
}
