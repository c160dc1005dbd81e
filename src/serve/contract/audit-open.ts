// Where a data-contract model's retraining audit lives: a SQLite file beside its history log (one
// per contract), or, with DATABASE_URL, PostgreSQL shared by every replica. The server writes it;
// `millwright retrain history` reads the same one, so both tell the same decisions.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SqliteAuditStore } from "./audit.js";
import { PostgresAuditStore } from "./audit-postgres.js";

export type ContractAudit = SqliteAuditStore | PostgresAuditStore;

/** The SQLite audit's file for `contract` in the data directory. */
export function contractAuditFile(dataDir: string, contract: string): string {
  return join(dataDir, `retrain-${contract}.db`);
}

/**
 * Opens (creating) the audit of `contract`; null with `existing` when a SQLite one was never
 * written (a reader must not leave an empty file behind).
 */
export async function openContractAudit(
  o: { databaseUrl?: string | null; dataDir: string },
  contract: string,
  existing = false,
): Promise<ContractAudit | null> {
  if (o.databaseUrl) {
    const audit = new PostgresAuditStore(o.databaseUrl, contract);
    await audit.init();
    return audit;
  }
  const file = contractAuditFile(o.dataDir, contract);
  return existing && !existsSync(file) ? null : new SqliteAuditStore(file);
}
