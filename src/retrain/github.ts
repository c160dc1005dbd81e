// GitHub retraining mode (MILLWRIGHT_RETRAIN_MODE=github): instead of training in the server, an
// alert asks GitHub to run .github/workflows/retrain.yml with a repository_dispatch event, so a
// person (the `retrain` environment's reviewer) approves before the workflow retrains, in GitHub
// Actions (`millwright retrain run` on a copy of the image's registry and the logged history). `baseUrl` is GitHub Enterprise's API (MILLWRIGHT_GITHUB_API_URL), or a test's server.
import { Octokit } from "@octokit/rest";
import type { Config } from "../core/config.js";
import { MillwrightError } from "../core/errors.js";
import type { AuditStore, RetrainCounters } from "./ports.js";

export interface DispatchOptions {
  repo: string | undefined;
  token: string | undefined;
  baseUrl?: string;
  payload: Record<string, unknown>;
  /** How long GitHub may take to answer (default 30 s): a hung call must not hold a dispatch forever. */
  timeoutMs?: number;
}

export async function dispatchRetrain(o: DispatchOptions): Promise<void> {
  const [owner, repo, extra] = (o.repo ?? "").split("/");
  if (!owner || !repo || extra !== undefined)
    throw new MillwrightError("MW_CONFIG", `MILLWRIGHT_GITHUB_REPO: '${o.repo ?? ""}' must be owner/name`);
  if (!o.token)
    throw new MillwrightError("MW_CONFIG", "GITHUB_TOKEN is required to dispatch the retraining workflow");
  const octokit = new Octokit({
    auth: o.token,
    ...(o.baseUrl ? { baseUrl: o.baseUrl.replace(/\/+$/, "") } : {}),
    // One try: the cooldown already started, and the audit says whether this one got through.
    request: { retries: 0, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) },
    // The caller reports a failure (the audit and the server's log); Octokit's own line would be a second.
    log: { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} },
  });
  await octokit.rest.repos.createDispatchEvent({
    owner,
    repo,
    event_type: "retrain",
    client_payload: o.payload,
  });
}

/** A github-mode server's dispatcher, bound to its repository and contract; none in another mode. */
export function githubDispatcher(r: Config["retrain"], contract: string) {
  if (r.mode !== "github") return undefined;
  return (p: RetrainDispatch) =>
    dispatchRetrain({
      repo: r.githubRepo,
      token: r.githubToken,
      baseUrl: r.githubApiUrl,
      payload: { ...p, contract },
    });
}

/** What the workflow is told (client_payload), besides the contract the server adds. */
export interface RetrainDispatch {
  reason: string;
  alertname: string;
  run: string;
  model_version: string;
}

/**
 * Sends one dispatch and records what happened as the run's decision: `dispatched`, or
 * `dispatch-failed` with GitHub's answer (logged too). Never throws: it runs after the webhook
 * answered, and a refused token must show in the audit, not bring the server down.
 */
export async function dispatchAudited(o: {
  dispatch: (p: RetrainDispatch) => Promise<void>;
  payload: RetrainDispatch;
  audit: Pick<AuditStore, "appendAudit">;
  counters?: Pick<RetrainCounters, "decision">;
  log?: (msg: string, level: "warn") => void;
  now: () => number;
}): Promise<"dispatched" | "dispatch-failed"> {
  const { run, reason } = o.payload;
  let payload: Record<string, unknown>;
  try {
    await o.dispatch(o.payload);
    payload = {
      verdict: "dispatched",
      reason:
        "repository_dispatch 'retrain' sent: the retrain workflow asks for the retraining once approved",
      trigger: reason,
      run,
    };
  } catch (e) {
    const status = (e as { status?: unknown }).status;
    payload = {
      verdict: "dispatch-failed",
      reason: `repository_dispatch to GitHub failed: ${(e as Error).message}`,
      ...(typeof status === "number" ? { status } : {}),
      trigger: reason,
      run,
    };
    o.log?.(`retraining: ${String(payload.reason)}`, "warn");
  }
  const verdict = payload.verdict as "dispatched" | "dispatch-failed";
  o.counters?.decision(verdict);
  await o.audit
    .appendAudit({ at: o.now(), kind: "decision", payload })
    .catch((e) =>
      o.log?.(`retraining: could not record the dispatch of run ${run}: ${(e as Error).message}`, "warn"),
    );
  return verdict;
}
