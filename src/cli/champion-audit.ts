// A champion moved by hand from the CLI (`models promote`, `models rollback`) is written to the
// contract's retraining audit too, where the server's own promotions and rollbacks are, so
// `millwright retrain history` and GET /v1/retrain/history show what is served (trial 3: the trail
// ended at the last automatic promotion while a CLI rollback had changed the champion). The audit
// is the one the server keeps: retrain-<contract>.db in MILLWRIGHT_DATA_DIR, or PostgreSQL with
// DATABASE_URL (serve/contract/audit-open.ts).
import { mkdirSync } from "node:fs";
import type { ModelRegistry } from "../registry/registry.js";
import { openContractAudit } from "../serve/contract/audit-open.js";
import { isHistoryModelJSON } from "../train/history-model.js";
import { readConfig } from "./config.js";

/**
 * Appends the change to `version`'s contract audit; a model of no contract (none to audit) is
 * skipped. The champion has moved already (the registry is the record that serves): an audit that
 * cannot be written is said on stderr, not turned into a failed command.
 */
export async function auditChampionChange(
  registry: ModelRegistry,
  version: string,
  kind: "promotion" | "rollback",
  payload: Record<string, unknown>,
): Promise<void> {
  const { obj } = registry.readModelJson(version);
  if (!isHistoryModelJSON(obj)) return;
  const contract = (obj as { contract?: { name?: string } }).contract?.name ?? "";
  const cfg = readConfig();
  try {
    if (!cfg.databaseUrl) mkdirSync(cfg.dataDir, { recursive: true });
    const audit = await openContractAudit(cfg, contract);
    if (!audit) return;
    try {
      await audit.appendAudit({ at: Date.now(), kind, payload: { ...payload, by: "cli" } });
    } finally {
      await audit.close();
    }
  } catch (e) {
    process.stderr.write(
      `millwright: the champion moved, but the retraining audit was not written (${cfg.databaseUrl ? "DATABASE_URL" : cfg.dataDir}): ${(e as Error).message}\n`,
    );
  }
}
