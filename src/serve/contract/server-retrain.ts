// The contract server's retraining work folder, and the sweep of what a killed run left there (the
// loop itself is wired in server.ts).
import { join } from "node:path";
import type { Config } from "../../core/config.js";
import { removeStaleRunDirs } from "../../retrain/run-dirs.js";
import type { ContractAudit } from "./audit-open.js";

/** Where a retraining writes the files it trains on, a folder per run (retrain/run-dirs.ts). */
export const retrainWorkDir = (cfg: Config) => join(cfg.dataDir, "retrain");

/**
 * At a server's start: a retraining killed with its server (kill -9) left its work folder, which
 * nothing else removes (trial 3: 520 KB after two restarts). Gone now, unless a live process owns it.
 */
export async function sweepRetrainWork(
  cfg: Config,
  audit: Pick<ContractAudit, "pageAudit" | "appendAudit">,
  log: (msg: string) => void,
): Promise<void> {
  const dir = retrainWorkDir(cfg);
  const removed = removeStaleRunDirs(dir);
  if (removed.length === 0) return;
  // A run whose process died never wrote its decision: its trigger stood in the audit for ever
  // without one (trial 8 F12), so it is written here, failed, as abandoned. The folder is
  // `run-<run id>` (contract-retrain.ts) and its owner process is gone, so no replica still runs it.
  const [triggers, decisions] = await Promise.all([
    audit.pageAudit({ kinds: ["trigger"], limit: 200 }),
    audit.pageAudit({ kinds: ["decision"], limit: 200 }),
  ]);
  const runOf = (e: { payload: unknown }) => (e.payload as { run?: string } | null)?.run;
  const decided = new Set(decisions.map(runOf));
  for (const r of removed) {
    log(`retraining: removed the work folder ${join(dir, r.name)} of a run that never ended (${r.why})`);
    const run = r.name.startsWith("run-") ? r.name.slice(4) : null;
    const t = run === null ? undefined : triggers.find((e) => runOf(e) === run);
    if (!t || decided.has(run as string)) continue;
    const p = t.payload as { reason?: string; alertname?: string; source?: string };
    await audit.appendAudit({
      at: Date.now(),
      kind: "decision",
      payload: {
        verdict: "failed",
        reason: `abandoned: the server stopped before the run decided (${r.why}); the champion was kept`,
        trigger: p.alertname ? `alert ${p.alertname}` : p.reason ? `manual: ${p.reason}` : (p.source ?? null),
        run,
      },
    });
    log(`retraining: run ${run} never decided: recorded as failed (abandoned)`);
  }
}
