// `millwright retrain run` on a data-contract champion: the server's retraining, run offline. The
// challenger trains on the champion's stored training files (its version folder in --registry) plus
// the history its server logged (read read-only, the server may be running), is gated against the
// champion by the server's own rules (MILLWRIGHT_GATE_*), is registered in --registry and promoted
// there only when it passes. It is the server's code path (ContractRetrainer in local mode), not a
// second trainer: GitHub Actions runs it on a writable copy of the image's registry (retrain.yml),
// where a cluster's replicas, whose registry is read-only, cannot train.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConfig } from "../config.js";
import { intOpt, outJsonThen, outThen } from "../io.js";
import type { ModelRegistry } from "../../registry/registry.js";
import { trainHistoryAndRegister } from "../../registry/train-history.js";
import { type ContractRetrainDecision, gateOf } from "../../retrain/contract-retrain.js";
import { ContractRetrainer } from "../../retrain/contract-service.js";
import { SqliteAuditStore } from "../../serve/contract/audit.js";
import { openHistoryReader } from "../../store/history/reader.js";
import type { LogEntry } from "../../store/history/types.js";

/** The decision as printed: the gate's, with the server's audit words for the verdict. */
export type RetrainRunReport = Omit<ContractRetrainDecision, "verdict"> & {
  verdict: "promoted" | "kept";
  trigger: string;
  seed: number;
  registry: string;
  log: string;
};

export async function retrainRun(
  registry: ModelRegistry,
  contract: string,
  values: Record<string, unknown>,
): Promise<number> {
  const cfg = readConfig();
  const seed = intOpt(values, "seed", 1, 0);
  const reason = typeof values.reason === "string" && values.reason !== "" ? values.reason : "manual";
  // No log (file or database) is a usage error naming it, before anything is written.
  const log = await openHistoryReader(cfg, contract);
  let entries: LogEntry[];
  try {
    entries = (await log.entriesAfter(0)) as LogEntry[];
  } finally {
    await log.close();
  }
  const champion = registry.resolve("champion");
  // The audit is this run's own, in a temp folder removed afterwards: the server's audit (its file in
  // the data folder, or PostgreSQL's) holds the server's cooldown and sightings, and the database is
  // only read here. The decision this prints is the record (retrain.yml keeps it in the report).
  const work = mkdtempSync(join(tmpdir(), "millwright-retrain-"));
  const audit = new SqliteAuditStore(join(work, "audit.db"));
  try {
    const retrainer = new ContractRetrainer({
      audit,
      registry,
      served: () => champion,
      entries: async () => entries,
      // The trainer the worker thread runs, here on the main thread: there is no server to keep answering.
      train: trainHistoryAndRegister,
      // setAlias loads and checks the version before the alias moves, as the server's promotion does.
      promote: (v) => registry.setAlias("champion", v, `retrain run: ${reason}`),
      mode: "local",
      cooldownMs: 0,
      gate: gateOf(cfg.retrain),
      workDir: work,
      seed,
    });
    await retrainer.requestRun(reason);
    const d = await retrainer.inProgress();
    if (!d) throw retrainer.lastError;
    const report: RetrainRunReport = {
      ...d,
      verdict: d.verdict === "promote" ? "promoted" : "kept",
      trigger: `manual: ${reason}`,
      seed,
      registry: registry.dir,
      log: log.where,
    };
    const code = report.verdict === "promoted" ? 0 : 1;
    if (values.json) return outJsonThen(report, code);
    return outThen(describeRun(report), code);
  } finally {
    audit.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** The decision in one line. */
function describeRun(r: RetrainRunReport): string {
  const c = r.challenger.version;
  const was = r.champion.version;
  const what =
    r.verdict === "promoted"
      ? `promoted: challenger ${c} is the champion in ${r.registry} (was ${was})`
      : `kept: champion ${was} stays; challenger ${c} is registered in ${r.registry} (alias challenger)`;
  return `${what}: ${r.reason}`;
}
