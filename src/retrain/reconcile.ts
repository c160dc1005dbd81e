// At start, settles retrainings that a previous process triggered and never decided: it was killed
// (kill -9, OOM, a node lost) while its training child ran. Without this the audit shows a trigger
// with no decision forever, and the child's version sits unaliased and unjudged. For each such run:
// a child still running is stopped (it is nobody's now); a challenger it registered (its lineage
// names the run) is adopted, i.e. gated now; otherwise the run is recorded as abandoned.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { bootId, holderDead } from "../registry/lock.js";
import type { ModelRegistry } from "../registry/registry.js";
import type { PredictionStore } from "../store/types.js";
import { adoptChallenger, type LocalRetrainOptions, type RetrainDecision } from "./local.js";

/** A run from another machine (a replaced pod) counts as abandoned once older than this: longer
 * than a training may take (10 min), so a live replica's run is never settled under it. */
const FOREIGN_STALE_MS = 15 * 60_000;

interface Server {
  pid: number;
  boot: string;
  host: string;
}

export interface ReconcileOptions {
  registry: ModelRegistry;
  store: PredictionStore;
  mode: "local" | "github" | "off";
  workDir: string;
  seed: number;
  gate: LocalRetrainOptions["gate"];
  onDecision: (d: RetrainDecision & { trigger: string }) => Promise<void>;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  now?: () => number;
}

function serverGone(s: Server | undefined, at: number, now: number): boolean {
  if (s && s.host === hostname()) return holderDead(s);
  return now - at > FOREIGN_STALE_MS;
}

/** Stops an orphaned training child of `run` on this machine, if one still runs. */
async function stopChild(store: PredictionStore, run: string): Promise<number | null> {
  const trainings = await store.pageAudit({ kinds: ["training"], limit: 50 });
  const t = trainings.find((e) => (e.payload as { run?: string }).run === run);
  const p = t?.payload as { pid: number; server?: Server } | undefined;
  if (!p || p.server?.host !== hostname() || p.server.boot !== bootId()) return null;
  if (holderDead({ pid: p.pid, boot: p.server.boot })) return null;
  try {
    // The pid may have been reused: only a process carrying this run's id is ours to stop.
    if (!readFileSync(`/proc/${p.pid}/cmdline`, "utf8").includes(run)) return null;
    process.kill(p.pid, "SIGKILL");
  } catch {
    return null;
  }
  for (let i = 0; i < 100 && !holderDead({ pid: p.pid, boot: bootId() }); i++)
    await new Promise((r) => setTimeout(r, 20));
  return p.pid;
}

function championOr(registry: ModelRegistry): string {
  try {
    return registry.resolve("champion");
  } catch {
    return "";
  }
}

/** Returns the runs it settled. */
export async function reconcileRuns(o: ReconcileOptions): Promise<string[]> {
  const now = o.now?.() ?? Date.now();
  const triggers = await o.store.pageAudit({ kinds: ["trigger"], limit: 50 });
  const decisions = await o.store.pageAudit({ kinds: ["decision"], limit: 500 });
  const decided = new Set(decisions.map((d) => (d.payload as { run?: string }).run).filter(Boolean));
  const settled: string[] = [];
  for (const t of triggers) {
    const p = t.payload as { run?: string; server?: Server; alertname?: string };
    if (!p.run || decided.has(p.run) || !serverGone(p.server, t.at, now)) continue;
    const trigger = `alert ${p.alertname ?? "unknown"}`;
    const stopped = await stopChild(o.store, p.run);
    const version = o.registry
      .versions()
      .find((v) => o.registry.readJson(v, "lineage.json")?.retrain_run === p.run);
    const who = `the server (pid ${p.server?.pid ?? "?"}) stopped during this retraining${stopped ? `; its training child (pid ${stopped}) was stopped` : ""}`;
    if (version && o.mode === "local") {
      const d = await adoptChallenger(
        { registry: o.registry, store: o.store, workDir: o.workDir, seed: o.seed, gate: o.gate, run: p.run },
        version,
      );
      await o.onDecision({
        ...d,
        reason: `${who}; its challenger ${version} was adopted and gated now: ${d.reason}`,
        trigger,
      });
    } else {
      await o.onDecision({
        verdict: "abandoned",
        reason: `${who}; nothing was registered to judge${version ? ` (version ${version} is left unaliased)` : ""}`,
        champion: { version: championOr(o.registry), metrics: null },
        challenger: null,
        gate: null,
        data: { base_file: null, base_rows: 0, production_rows: 0, holdout_rows: 0, holdout_failures: 0 },
        run: p.run,
        trigger,
      });
    }
    o.log?.(`reconciled retraining run ${p.run}`, { version: version ?? null });
    settled.push(p.run);
  }
  return settled;
}
