// The worker thread that trains a contract challenger (contract-train-worker.ts starts it): training
// takes seconds to minutes, and on the server's event loop it would stall every request and the
// liveness probe meanwhile.
import { parentPort, workerData } from "node:worker_threads";
import { MillwrightError } from "../core/errors.js";
import type { ContractData } from "../data/contract-data.js";
import { ModelRegistry } from "../registry/registry.js";
import { trainHistoryAndRegister } from "../registry/train-history.js";
import type { HistoryFitOptions } from "../train/fit-history.js";

const job = workerData as {
  registryDir: string;
  data: ContractData;
  contractText: string;
  opts: HistoryFitOptions;
};
try {
  const r = trainHistoryAndRegister(new ModelRegistry(job.registryDir), job.data, job.contractText, job.opts);
  parentPort?.postMessage({ ok: true, version: r.version });
} catch (e) {
  const err = e as Error;
  parentPort?.postMessage({
    ok: false,
    message: err.message,
    code: e instanceof MillwrightError ? e.code : null,
    details: e instanceof MillwrightError ? e.details : undefined,
  });
}
