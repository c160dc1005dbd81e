// Starts a data-contract model's server: its history log (SQLite in the data directory, one file
// per contract, so the history outlives a model version), the service rebuilt from that log, and
// the app. Cluster mode (PostgreSQL) for contract models is not built yet: said plainly, not faked.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../cli/config.js";
import { MillwrightError } from "../../core/errors.js";
import { Registry } from "../../registry/registry.js";
import { SqliteHistoryLog } from "../../store/history/sqlite.js";
import { buildContractApp } from "./app.js";
import { ContractService, loadHistoryModel } from "./service.js";

export interface RunningContractServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startContractServer(
  cfg: Config,
  opts: { host: string; port: number; modelRef?: string; logger?: boolean | object },
): Promise<RunningContractServer> {
  if (cfg.databaseUrl)
    throw new MillwrightError(
      "MW_CONFIG",
      "DATABASE_URL is set, but serving a data-contract model from PostgreSQL (cluster mode) is not built yet: unset it to serve from SQLite",
    );
  mkdirSync(cfg.dataDir, { recursive: true });
  const registry = new Registry(cfg.registryDir);
  const version = registry.resolve(opts.modelRef ?? "champion");
  const model = loadHistoryModel(registry, version);
  const log = new SqliteHistoryLog(join(cfg.dataDir, `history-${model.contract.name}.db`));
  const service = new ContractService(model, registry.versionDir(version), log);
  const app = await buildContractApp({
    service,
    tokens: cfg.tokens,
    maxBatch: cfg.maxBatch,
    logger:
      opts.logger === false
        ? false
        : { level: process.env.LOG_LEVEL ?? "info", redact: ["req.headers.authorization"] },
  });
  const url = await app.listen({ host: opts.host, port: opts.port });
  return {
    app,
    url,
    close: async () => {
      await app.close();
      log.close();
    },
  };
}
