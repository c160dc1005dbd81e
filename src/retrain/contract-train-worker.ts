// A ContractTrainer that trains in a worker thread (contract-train-thread.ts), so a retraining does
// not hold the server's event loop: requests, metrics and liveness are answered while it trains.
// The server passes it to the retrainer; tests may pass trainHistoryAndRegister itself.
import { type ErrorCode, MillwrightError } from "../core/errors.js";
import { siblingWorkerUrl, spawnWorker } from "../store/thread.js";
import type { ContractTrainer } from "./contract-retrain.js";

const THREAD = siblingWorkerUrl(import.meta.url, "contract-train-thread");

type Reply =
  | { ok: true; version: string }
  | { ok: false; message: string; code: ErrorCode | null; details?: Record<string, unknown> };

export const trainInWorker: ContractTrainer = (registry, data, contractText, opts) =>
  new Promise((resolve, reject) => {
    // A progress callback cannot cross to the thread; the rest of the data is plain (typed arrays, maps).
    const { onProgress: _, ...plain } = opts;
    const w = spawnWorker(THREAD, {
      workerData: { registryDir: registry.dir, data, contractText, opts: plain },
    });
    let settled = false;
    w.once("message", (m: Reply) => {
      settled = true;
      if (m.ok) resolve({ version: m.version });
      else reject(m.code ? new MillwrightError(m.code, m.message, m.details) : new Error(m.message));
    });
    w.once("error", (e) => {
      settled = true;
      reject(e);
    });
    w.once("exit", (code) => {
      if (!settled) reject(new Error(`the training thread exited with code ${code} before answering`));
    });
  });
