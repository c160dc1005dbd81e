// Cluster mode: instead of training in the server, ask GitHub to run the retraining workflow
// (.github/workflows/retrain.yml) with a repository_dispatch event, so a person approves before
// production. `baseUrl` lets tests point Octokit at a local HTTP server.
import { Octokit } from "@octokit/rest";
import { MillwrightError } from "../core/errors.js";

export interface DispatchOptions {
  repo: string;
  token: string | undefined;
  baseUrl?: string;
  payload: Record<string, unknown>;
}

export async function dispatchRetrain(o: DispatchOptions): Promise<void> {
  const [owner, repo] = o.repo.split("/");
  if (!owner || !repo)
    throw new MillwrightError("MW_CONFIG", `MILLWRIGHT_GITHUB_REPO: '${o.repo}' must be owner/name`);
  if (!o.token)
    throw new MillwrightError("MW_CONFIG", "GITHUB_TOKEN is required to dispatch the retraining workflow");
  const octokit = new Octokit({
    auth: o.token,
    ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
    request: { retries: 0 },
  });
  await octokit.rest.repos.createDispatchEvent({
    owner,
    repo,
    event_type: "retrain",
    client_payload: o.payload,
  });
}
