// Starts a data-contract model's server: its history log (SQLite in the data directory, one file
// per contract, so the history outlives a model version; or, with DATABASE_URL, the contract's log
// in PostgreSQL shared by every replica: cluster mode), the service rebuilt from that log, and the app.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../cli/config.js";
import { Registry } from "../../registry/registry.js";
import { PostgresHistoryLog } from "../../store/history/postgres.js";
import { SqliteHistoryLog } from "../../store/history/sqlite.js";
import type { HistoryLog } from "../../store/history/types.js";
import { Registry as PromRegistry } from "prom-client";
import { defaultWebDir } from "../server.js";
import { buildContractApp } from "./app.js";
import { FleetBoard } from "./board.js";
import { ContractMonitor } from "./monitor.js";
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
  mkdirSync(cfg.dataDir, { recursive: true });
  const registry = new Registry(cfg.registryDir);
  const version = registry.resolve(opts.modelRef ?? "champion");
  const model = loadHistoryModel(registry, version);
  const log: HistoryLog = cfg.databaseUrl
    ? new PostgresHistoryLog({ url: cfg.databaseUrl, contract: model.contract.name })
    : new SqliteHistoryLog(join(cfg.dataDir, `history-${model.contract.name}.db`), {
        writerThread: cfg.sqliteWriterThread,
      });
  const metricsRegistry = new PromRegistry();
  const monitor = new ContractMonitor(model, registry.versionDir(version), metricsRegistry);
  const board = new FleetBoard(model);
  let service: ContractService;
  try {
    service = await ContractService.open(model, registry.versionDir(version), log, [monitor, board]);
  } catch (e) {
    await log.close().catch(() => {});
    throw e;
  }
  const app = await buildContractApp({
    service,
    monitor,
    metricsRegistry,
    board,
    webDir: defaultWebDir(),
    tokens: cfg.tokens,
    maxBatch: cfg.maxBatch,
    technicians: process.env.MILLWRIGHT_TECHNICIANS,
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
      await log.close();
    },
  };
}
