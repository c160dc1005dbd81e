import { release } from "../../gitops/release.js";
import { RELEASE_HELP, parseReleaseArgs } from "../../gitops/release-cli.js";
import { out, outJson, outThen } from "../io.js";

export async function releaseCommand(argv: string[]): Promise<number> {
  const args = parseReleaseArgs(argv);
  if (args.help) return outThen(RELEASE_HELP, 0);
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
